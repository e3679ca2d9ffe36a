"""The calibration wizard: read a prompt aloud, see your pitch, save it on the service."""
