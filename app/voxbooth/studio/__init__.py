"""voxbooth.studio"""
