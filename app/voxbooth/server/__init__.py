"""voxbooth.server"""
