"""`voxbooth convert IN --voice NAME [--semitones N] -o OUT`: the engine offline."""

from __future__ import annotations

import argparse
import sys

from voxbooth.engine.calibrate import CalibrationError, estimate_speaker_f0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "convert", help="convert an audio file into a catalogue voice, offline"
    )
    parser.add_argument("input", metavar="IN", help="the original (WAV, FLAC, OGG or MP3)")
    parser.add_argument("--voice", required=True, help="voice name, slug or id (e.g. Marcus)")
    parser.add_argument("--semitones", type=float, default=0.0, help="semitones correction")
    parser.add_argument("--calibration", metavar="FILE", help="a reading to take the f0 from")
    parser.add_argument("--style", help="narration style (Neutral, Calm, Energetic, Storyteller)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="WAV or FLAC file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import soundfile

    from voxbooth.engine.convert import ConversionError, convert_file
    from voxbooth.engine.profiles import ProfileError, profile_for_voice

    try:
        profile = profile_for_voice(args.voice)
        source_f0 = None
        if args.calibration:
            samples, rate_hz = soundfile.read(args.calibration, dtype="float64")
            source_f0 = estimate_speaker_f0(samples, rate_hz).f0_hz
        report = convert_file(
            args.input,
            args.output,
            profile,
            source_f0_hz=source_f0,
            semitones=args.semitones,
            narration_style=args.style,
        )
    except (ProfileError, ConversionError, CalibrationError, soundfile.LibsndfileError) as exc:
        print(f"voxbooth convert: {exc}", file=sys.stderr)
        return 2
    print(f"voice:      {profile.name}")
    print(f"source f0:  {report.source_f0_hz:.1f} Hz (from the {report.source_f0_from})")
    print(f"target f0:  {report.target_f0_hz:.1f} Hz")
    print(f"duration:   {report.duration_s:.2f} s in {report.elapsed_s:.2f} s")
    print(f"written:    {args.output}")
    return 0
