"""Delivery: how delivery of each project a published result funded is going (items, milestones,
updates with photos, followers). A domain of its own since it left ballots/outcomes; its Piccolo app
keeps the name "outcomes" and its migration ids, so existing databases keep migrating."""
