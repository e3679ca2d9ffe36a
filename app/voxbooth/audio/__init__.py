"""voxbooth.audio"""
