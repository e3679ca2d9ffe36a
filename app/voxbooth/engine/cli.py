"""`voxbooth convert IN --voice NAME [--voice NAME...] [--semitones N] -o OUT`: the engine
offline. Several voices make one file each: OUT may hold `{voice}`, else the voice's name is
added before OUT's extension (`line.wav` -> `line - Marcus.wav`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from voxbooth.engine.calibrate import CalibrationError, estimate_speaker_f0

_REFUSED_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "convert", help="convert an audio file into catalogue voices, offline"
    )
    parser.add_argument("input", metavar="IN", help="the original (WAV, FLAC, OGG or MP3)")
    parser.add_argument("--voice", required=True, action="append", dest="voices",
                        metavar="VOICE",
                        help="voice name, slug or id (e.g. Marcus); repeat for several voices")
    parser.add_argument("--semitones", type=float, default=0.0, help="semitones correction")
    parser.add_argument("--calibration", metavar="FILE", help="a reading to take the f0 from")
    parser.add_argument("--style", help="narration style (Neutral, Calm, Energetic, Storyteller)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="WAV or FLAC file; with several voices it may hold {voice}")
    parser.set_defaults(func=run)


def output_for(output: str, voice_name: str, several: bool) -> str:
    """Where one voice's conversion goes."""
    safe = _REFUSED_IN_NAMES.sub("_", voice_name).strip(" .") or "voice"
    if "{voice}" in output:
        return output.replace("{voice}", safe)
    if not several:
        return output
    path = Path(output)
    return str(path.with_name(f"{path.stem} - {safe}{path.suffix}"))


def run(args: argparse.Namespace) -> int:
    import soundfile

    from voxbooth.engine.convert import ConversionError, convert_file
    from voxbooth.engine.profiles import ProfileError, profile_for_voice

    try:
        profiles = [profile_for_voice(voice) for voice in args.voices]  # all known, or none run
        names = [p.name for p in profiles]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            print(f"voxbooth convert: {', '.join(repeated)} asked for more than once; name each "
                  "voice once", file=sys.stderr)
            return 2
        several = len(profiles) > 1
        if several and "{voice}" not in args.output and \
                len({output_for(args.output, n, True) for n in names}) < len(names):
            print("voxbooth convert: two voices would write the same file; put {voice} in -o",
                  file=sys.stderr)
            return 2
        source_f0 = None
        if args.calibration:
            samples, rate_hz = soundfile.read(args.calibration, dtype="float64")
            source_f0 = estimate_speaker_f0(samples, rate_hz).f0_hz
        for profile in profiles:
            output = output_for(args.output, profile.name, several)
            report = convert_file(args.input, output, profile, source_f0_hz=source_f0,
                                  semitones=args.semitones, narration_style=args.style)
            print(f"voice:      {profile.name}")
            print(f"source f0:  {report.source_f0_hz:.1f} Hz (from the {report.source_f0_from})")
            print(f"target f0:  {report.target_f0_hz:.1f} Hz")
            print(f"duration:   {report.duration_s:.2f} s in {report.elapsed_s:.2f} s")
            print(f"written:    {output}")
    except (ProfileError, ConversionError, CalibrationError, soundfile.LibsndfileError) as exc:
        print(f"voxbooth convert: {exc}", file=sys.stderr)
        return 2
    return 0
