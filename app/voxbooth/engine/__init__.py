"""voxbooth.engine"""
