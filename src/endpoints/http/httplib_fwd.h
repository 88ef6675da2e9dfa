// Forward declarations of the cpp-httplib types the endpoint headers name; only .cc files include
// the (large) httplib.h.
#pragma once

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib
