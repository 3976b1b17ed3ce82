-- Submissions: queued by the api, processed by the worker.
CREATE TABLE submissions (
  id bigserial PRIMARY KEY,
  author text NOT NULL,
  language text NOT NULL,
  source text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
  result jsonb,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
