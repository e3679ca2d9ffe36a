"""VoxBooth: a desktop recording and voice-conversion studio for voice artists."""

__version__ = "0.1.0"
