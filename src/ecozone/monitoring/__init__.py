"""ecozone.monitoring"""
