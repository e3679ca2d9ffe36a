"""What happens when the user acts: thin Qt objects between actions, workers and item models."""
