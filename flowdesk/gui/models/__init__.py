"""Qt item models that adapt core data (registry, run store) to views."""
