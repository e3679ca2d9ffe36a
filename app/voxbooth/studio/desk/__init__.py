"""The recording desk: device, level, live waveform and pitch, takes to disk and to the service."""
