// Finding a program inside an image's root file system before anything is mounted: the lookup
// overlayfs would do over the image's layer directories (as layer_unpack.cc writes them). A name
// is taken from the highest layer that has it; a whiteout (0/0 character device) hides it in the
// layers below; a directory merges with the same directory in lower layers down to one marked
// opaque (trusted.overlay.opaque=y); symbolic links resolve inside the image (an absolute target
// starts at the image's root), at most 40 of them.
//
// Used by the oci driver to refuse a command that does not exist in the image with a 400 instead
// of a container that "starts" and dies. See also: oci_driver.h, layer_unpack.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace chainlab::runtime {

// The host path of the regular executable file `path` (absolute inside the image) resolves to.
// NotFound when nothing is there, it is not a regular file with an execute bit, or a symlink
// loop.
Result<std::string> resolve_in_layers(const std::vector<std::string>& layers_lowest_first,
                                      std::string_view path);

// execvp inside the image: `program` with a '/' is taken relative to `cwd`, otherwise looked up
// in the ':'-separated `path_list`. InvalidArgument "command not found in the image: ..." when it
// is not there.
Result<std::string> find_program_in_layers(const std::vector<std::string>& layers_lowest_first,
                                           const std::string& program, std::string_view path_list,
                                           std::string_view cwd);

}  // namespace chainlab::runtime
