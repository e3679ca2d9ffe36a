"""The service's neural features (issue 15): transcripts and script proofing of takes, noise
reduction. Each plugs into the app by module name (`app.ROUTER_MODULES` / `app.JOB_MODULES`)
and runs the models of `voxbooth.engine.neural` in the job workers, never at start-up."""
