"""The voice library: every voice the artist may order (catalogue and private cloned voices)."""
