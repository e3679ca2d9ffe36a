"""Helpers that start real parts for the tests: the service, the virtual microphone, Xvfb."""
