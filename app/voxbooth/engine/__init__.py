"""voxbooth.engine: the classical (WORLD) voice-conversion engine. Qt-free, server-free.

Public interface (the service's job handlers and the CLI call these):
- `profiles.load_profiles()`, `profiles.profile_for_voice(id_or_slug)`, `profiles.check_accent`,
  `VoiceProfile.to_dict()/from_dict()` (private voices are stored as that dict);
- `convert.convert(samples, rate_hz, profile, ...)`, `convert.convert_with_report(...)`,
  `convert.convert_file(in, out, profile, ...) -> ConversionReport`;
- `calibrate.estimate_speaker_f0(samples, rate_hz)`;
- `tts.tts_voices()`, `tts.synthesize(text, ...)`, `tts.detect_language(text)`;
- `clone.estimate_profile([(samples, rate_hz), ...])`;
- `accents.accent_sample_file(accent_id, cache_dir)` (cached WAV), `accents.make_accent_sample`.
"""
