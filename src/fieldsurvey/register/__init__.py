"""Importing the civil-affairs register of organizations from messy Excel lists."""
