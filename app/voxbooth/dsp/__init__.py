"""voxbooth.dsp"""
