"""voxbooth.api"""
