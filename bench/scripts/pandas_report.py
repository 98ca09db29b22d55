"""Baseline: the ten-line script a user might write instead of `topup report` (pandas + SQLAlchemy, one GROUP BY)."""

import sys

import pandas as pd
from sqlalchemy import create_engine, text

engine = create_engine(sys.argv[1])
frame = pd.read_sql(text(sys.argv[2]), engine)
print(frame.to_string())
