"""The audition: the picked take's family heard side by side, A/B and blind ABX.

family (which takes), sounds (each fetched once), tracks (loaded and loudness matched), abx
(the blind test's score), controller (what is heard), panel, transport and track_strip (the
bottom panel's widgets)."""
