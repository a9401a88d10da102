"""What TensorBoard's HPARAMS tab would show for a logdir, as JSON on stdout.

Loads the logdir with TensorBoard's own event multiplexer and data provider, and asks the hparams
plugin's own HTTP routes (/experiment and /session_groups, as the tab does) for the experiment and
every session group. Used by tests/sweep-hparams.test.ts as an independent reader of our files.

usage: python3 tensorboard_hparams.py LOGDIR
"""
import json
import sys

from werkzeug.test import Client

from tensorboard.backend.event_processing import data_provider
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import hparams_plugin

ALL_STATUSES = ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]


def main(logdir):
    mux = plugin_event_multiplexer.EventMultiplexer()
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    provider = data_provider.MultiplexerDataProvider(mux, logdir)
    context = base_plugin.TBContext(logdir=logdir, multiplexer=mux, data_provider=provider)
    plugin = hparams_plugin.HParamsPlugin(context)

    def post(route, body):
        response = Client(route).post("/", data=json.dumps(body), content_type="application/json")
        if response.status_code != 200:
            raise SystemExit("%s -> HTTP %d: %s" % (route.__name__, response.status_code, response.get_data(as_text=True)))
        return json.loads(response.get_data(as_text=True))

    experiment = post(plugin.get_experiment_route, {"experimentName": ""})
    groups = post(
        plugin.list_session_groups_route,
        {"experimentName": "", "allowedStatuses": ALL_STATUSES, "startIndex": 0, "sliceSize": 100000},
    )
    json.dump({"runs": sorted(mux.Runs().keys()), "experiment": experiment, "sessionGroups": groups}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
