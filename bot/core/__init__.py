"""The channel-independent heart of FarmSkills: conversation, lessons, progress rules."""
