# Parses Prometheus' text exposition format from stdin with Prometheus' own Python client parser
# (Debian's python3-prometheus-client) and prints every sample as JSON: [{"family", "type", "name",
# "labels", "value"}] with the value as a string ("nan", "inf" included). A malformed exposition fails here.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name,
                        "labels": dict(s.labels), "value": repr(float(s.value))})
print(json.dumps(samples))
