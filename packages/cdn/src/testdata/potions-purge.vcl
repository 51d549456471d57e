# Varnish in front of Potions mirrors: lets trusted clients drop cached copies
# with PURGE (one URL) and BAN (everything under a path prefix), as the
# `http-purge` CDN of @potions/cdn sends them. Varnish 6 or 7. See docs/cdn.md.
vcl 4.1;

import std;

# The backend (a mirror's endpoint, or a load balancer over several) lives in
# its own file so that this one is used as it is. It must define `backend
# default { .host = "..."; .port = "..."; }`; found through vcl_path.
include "potions-backend.vcl";

# Who may purge: this machine. Add the addresses your releases run from.
acl potions_purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ potions_purgers) {
            return (synth(405, "PURGE not allowed from this address"));
        }
        # Drops the object cached under this host and URL (every variant).
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ potions_purgers) {
            return (synth(405, "BAN not allowed from this address"));
        }
        if (!req.http.X-Potions-Ban) {
            return (synth(400, "BAN needs an X-Potions-Ban header"));
        }
        # X-Potions-Ban is an anchored regular expression over the path, e.g.
        # ^/potions/artifacts/sha256/0123\.\.\./ ; the ban only tests fields
        # stored on the object (see vcl_backend_response), so the ban lurker
        # can evict in the background and no request is needed for it.
        if (std.ban("obj.http.x-potions-host == " + req.http.host + " && obj.http.x-potions-url ~ " + req.http.X-Potions-Ban)) {
            return (synth(200, "Banned"));
        }
        return (synth(400, "Bad ban: " + std.ban_error()));
    }
}

sub vcl_backend_response {
    # Remember where the object came from, for lurker-friendly bans.
    set beresp.http.x-potions-host = bereq.http.host;
    set beresp.http.x-potions-url = bereq.url;
}

sub vcl_deliver {
    unset resp.http.x-potions-host;
    unset resp.http.x-potions-url;
}
