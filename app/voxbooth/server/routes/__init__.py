"""HTTP routes, one router per resource; the logic lives in `voxbooth.server.services`."""
