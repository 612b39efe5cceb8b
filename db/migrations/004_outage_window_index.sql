-- Evidence checks ask which outages overlap each claimed call: a range index answers that per call
-- instead of comparing every outage with every call.
CREATE INDEX outages_window_gist_idx ON outages USING gist (tstzrange(started_at, coalesce(ended_at, 'infinity'), '[]'));
