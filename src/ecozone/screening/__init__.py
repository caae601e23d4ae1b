"""ecozone.screening"""
