"""사후 점검: the automatic follow-up check of a resolved ticket's caller.

``checks`` makes due checks and asks (the sweep), ``replies`` matches and applies answers,
``calls`` places the outbound IVR calls (Twilio's REST API), ``webhooks`` serves Twilio's
signed messaging and voice requests.
"""
