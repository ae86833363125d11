"""Cloud Foundry gives bound services in VCAP_SERVICES, not as DATABASE_URL and REDIS_URL: read them from there.

Only a default: a DATABASE_URL or REDIS_URL set in the environment wins.
"""

import json


def service_url(vcap_services: str, *, tags: set[str]) -> str:
    """The `uri` of the first bound service carrying one of these tags (or labelled so), else ""."""
    try:
        offerings = json.loads(vcap_services or "{}")
    except ValueError:
        return ""
    if not isinstance(offerings, dict):
        return ""
    for label, instances in sorted(offerings.items()):
        for instance in instances if isinstance(instances, list) else []:
            names = {label.lower(), *(str(tag).lower() for tag in instance.get("tags", []))}
            credentials = instance.get("credentials") or {}
            if names & tags and isinstance(credentials, dict) and credentials.get("uri"):
                return str(credentials["uri"])
    return ""
