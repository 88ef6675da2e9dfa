// Noticing that the client of a streamed answer went away while there is nothing to send (a
// silent instance's log, a capture whose filter matches nothing): httplib does not hand the
// connection's socket to handlers, so it is found by the request's two ends.
#pragma once

#include "endpoints/http/httplib_fwd.h"

namespace chainlab::endpoints {

// The server-side socket of `req`'s connection, or -1.
int connection_fd(const httplib::Request& req);
// The peer closed (or reset) the connection; false for fd -1.
bool peer_gone(int fd);

}  // namespace chainlab::endpoints
