-- A call that timed out has no HTTP response: the ledger records it with status 0.
ALTER TABLE usage_requests DROP CONSTRAINT usage_requests_http_status_check;
ALTER TABLE usage_requests ADD CONSTRAINT usage_requests_http_status_check
  CHECK (http_status = 0 OR http_status BETWEEN 100 AND 599);
