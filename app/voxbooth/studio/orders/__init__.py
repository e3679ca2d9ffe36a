"""Ordering conversions: originals times voices, priced before submitting; the TTS dialog."""
