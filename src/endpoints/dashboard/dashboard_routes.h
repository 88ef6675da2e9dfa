// The dashboard's routes on the emulator's REST port: GET /dashboard redirects to /dashboard/,
// which serves index.html; /dashboard/<file> serves the embedded files with a Content-Security-
// Policy of default-src 'self' (the page can reach nothing but this server and the run's
// gatekeeper, whose packages it shows: connect-src names that origin). The files hold no
// data and are served without the run's token: the page reads the token from its URL's fragment
// (`/dashboard/#token=T`) and sends it with every API request.
#pragma once

#include <string>
#include <string_view>

#include "endpoints/http/router.h"
#include "endpoints/http/served_list.h"

namespace chainlab::endpoints {

// `served` (may be null): the run's listeners; the page may also call the gatekeeper's.
void add_dashboard_routes(Router& router, const ServedList* served);

// True for a path the dashboard's routes serve (they need no token).
bool is_dashboard_path(std::string_view path);

// The URL that opens the dashboard of a run on `base` ("http://127.0.0.1:5001") with `token`
// (empty: none, an open run).
std::string dashboard_url(std::string_view base, std::string_view token);

}  // namespace chainlab::endpoints
