# FindXRT: Xilinx Runtime from Debian's libxrt-dev (headers under /usr/include/xrt, the
# native C++ API in libxrt_coreutil). XRT ships no CMake config here and its xrt.pc has a
# doubled prefix (/usr//usr), so this module finds the pieces directly.
# Defines XRT_FOUND and the imported target XRT::coreutil.
find_path(XRT_INCLUDE_DIR NAMES xrt/xrt_device.h PATHS /usr/include/xrt /opt/xilinx/xrt/include
          PATH_SUFFIXES "" NO_DEFAULT_PATH)
find_library(XRT_COREUTIL_LIBRARY NAMES xrt_coreutil PATHS /opt/xilinx/xrt/lib)
# xrt::uuid's inline members call libuuid (uuid_unparse_lower ...).
find_library(XRT_UUID_LIBRARY NAMES uuid)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(XRT REQUIRED_VARS XRT_INCLUDE_DIR XRT_COREUTIL_LIBRARY XRT_UUID_LIBRARY)
if(XRT_FOUND AND NOT TARGET XRT::coreutil)
  add_library(XRT::coreutil UNKNOWN IMPORTED GLOBAL)  # GLOBAL: tests/ use it too
  set_target_properties(XRT::coreutil PROPERTIES
    IMPORTED_LOCATION ${XRT_COREUTIL_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${XRT_INCLUDE_DIR}
    INTERFACE_LINK_LIBRARIES ${XRT_UUID_LIBRARY}
    # XRT's headers trip -Wextra; include them as system headers.
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${XRT_INCLUDE_DIR})
endif()
mark_as_advanced(XRT_INCLUDE_DIR XRT_COREUTIL_LIBRARY XRT_UUID_LIBRARY)
