-- The worker's recovery sweep looks for rows still queued.
CREATE INDEX submissions_queued ON submissions (created_at) WHERE status = 'queued';
