"""The demo data's numbers, named: time units, and the shares and rates that shape the population
and its stories (see `bot.demo` for the model they describe)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.content.models import Tier

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# ----- villages and people
LEARNERS_PER_VILLAGE = 50  # up to MAX_SMALL_VILLAGES villages…
MAX_SMALL_VILLAGES = 60
LEARNERS_PER_LARGE_VILLAGE = 160  # …and beyond ~10,000 learners, one per this many
TRAINED_VILLAGES = 0.85  # villages with a trainer
FAR_WEST_VILLAGES = 0.05  # villages in Xinjiang (at least one once there are ten)
FAR_WEST_ZONE_PICKED = 0.60  # their learners who picked Xinjiang time in the bot
WITHOUT_VILLAGE = 0.07  # learners who came without a village link
JOIN_MEAN_DAYS = 6  # learners join a village this many days after its launch, on average
CHINESE = 0.85  # learners who chose Chinese
BLOCKED = 0.03  # learners who blocked the bot
DEFAULT_NAME = 0.05  # learners who kept the default name
NEVER_STARTED = 0.12  # learners who never open a lesson
REMINDERS_OFF = 0.08
ONE_TRACK = 0.65  # the others take two
PLACEMENT = 0.08  # learners who take the placement test first
TRACK_POPULARITY = {"ecommerce": 0.45, "livestream": 0.35, "machinery": 0.20}
OTHER_TRACK_POPULARITY = 0.3  # a trainer's own track
VOLUNTEER_INCOME = 0.04  # learners who also report an income with /income

# ----- learning
# Local hours people study at: before field work, at midday, and after supper; never at night.
HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0, 2, 5, 6, 4, 3, 3, 5, 5, 3, 3, 3, 4, 5, 8, 9, 7, 1, 0)

TIER_HAZARD = {Tier.basic: 0.018, Tier.intermediate: 0.030, Tier.advanced: 0.045}
HARD_STEP_FACTOR = 4.0
FIRST_STEP_EXTRA = 0.08  # the very first step anyone sees: some only came to look
RETURN_AFTER_DROP = 0.30
QUIT_BETWEEN_LESSONS = 0.06
QUIT_AT_TIER_END = 0.15

ADMIN_ID = "900000001"  # who answers when a village has no trainer
PHOTO_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

STOP, CUT, DONE = 0, 1, 2  # lesson results: dropped for good, reached `now`, completed
