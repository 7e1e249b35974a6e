"""Integrator kernels shared by model families."""
