-- abtest schema, version 5: the webhook history keeps reason classes, not error text.
-- Deliveries now leave the chain's path: a stage creates them pending in its own transaction
-- with a message on abtest.webhook.delivery, and a worker makes one attempt per message. An
-- attempt's error is one of address_not_allowed, dns_error, connection_error, timeout,
-- http_3xx, http_4xx, http_5xx, http_other, webhook_deleted; the text recorded by earlier
-- versions (which named the addresses and ports a receiver's failure revealed) becomes its class.

UPDATE webhook_attempts SET error = CASE
    WHEN error LIKE 'no answer within%' THEN 'timeout'
    WHEN response_status BETWEEN 300 AND 399 THEN 'http_3xx'
    WHEN response_status BETWEEN 400 AND 499 THEN 'http_4xx'
    WHEN response_status BETWEEN 500 AND 599 THEN 'http_5xx'
    WHEN response_status IS NOT NULL THEN 'http_other'
    ELSE 'connection_error'
  END
WHERE error IS NOT NULL;

UPDATE webhook_deliveries SET last_error = CASE
    WHEN last_error LIKE 'no answer within%' THEN 'timeout'
    WHEN response_status BETWEEN 300 AND 399 THEN 'http_3xx'
    WHEN response_status BETWEEN 400 AND 499 THEN 'http_4xx'
    WHEN response_status BETWEEN 500 AND 599 THEN 'http_5xx'
    WHEN response_status IS NOT NULL THEN 'http_other'
    ELSE 'connection_error'
  END
WHERE last_error IS NOT NULL;

