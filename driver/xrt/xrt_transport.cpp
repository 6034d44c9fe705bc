// XRT transport: open the card, read the xclbin, pick the kernel flavour and its compute
// units, load the xclbin once and open one transport per CU. Everything XRT
// throws during enumeration and open is caught and turned into one actionable line; on a
// machine without a card that is the whole story: without XILINX_XRT XRT throws "XILINX_XRT
// not set", with it "Could not open device with index '0'". XCL_EMULATION_MODE is not
// consulted: emulation is not a card.
#include "driver/xrt/xrt_transport.hpp"

#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

#include "driver/xrt/xclbin_info.hpp"
#include "driver/xrt/xrt_flavours.hpp"
#include "experimental/xrt_system.h"
#include "experimental/xrt_xclbin.h"
#include "xrt/xrt_device.h"

namespace espgw::driver::xrt {
namespace {

bool all_digits(const std::string& s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::string describe_cu(const LoadedXclbin& card, const ComputeUnit& cu, int bank, const char* how) {
  return fmt::format("xrt: device {} ({}), kernel {} (bank {}, {})", card.which, card.path, cu.name, bank, how);
}

std::vector<std::unique_ptr<hw::Transport>> open_xrt_transports(const XrtOpenOptions& options) {
  const std::string which = options.device.empty() ? "0" : options.device;
  ::xrt::device device;
  try {
    if (all_digits(which)) {
      const unsigned index = static_cast<unsigned>(std::stoul(which));
      const unsigned count = ::xrt::system::enumerate_devices();
      if (index >= count)
        throw std::runtime_error(fmt::format("{} Alveo device(s) found, index {} requested", count, index));
      device = ::xrt::device(index);
    } else {
      device = ::xrt::device(which);
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format(
        "xrt: no usable Alveo card '{}' ({}); install XRT and the card's platform, source "
        "/opt/xilinx/xrt/setup.sh, check `xbutil examine`, or use --backend cpu|sim|hls",
        which, e.what()));
  }
  if (options.xclbin.empty()) throw std::runtime_error("xrt: no xclbin given; build one (docs/alveo.md) and pass its path");
  // Read the xclbin first: a file without espgw's kernel, or with fewer CUs than asked
  // for, fails here, naming what it holds, before the card is reprogrammed.
  auto card = std::make_shared<LoadedXclbin>();
  card->xclbin = inspect_xclbin_file(options.xclbin);
  card->which = which;
  card->path = options.xclbin;
  const std::vector<CuOpening> cus =
      plan_compute_units(card->xclbin, options.compute_units, options.xclbin, options.memory_bank);
  const bool rtl = card->xclbin.kernel.flavour == KernelFlavour::kRtl;
  const CuOpening* opening = nullptr;
  try {
    card->uuid = device.load_xclbin(options.xclbin);  // once, for every CU
    card->device = std::move(device);
    std::vector<std::unique_ptr<hw::Transport>> transports;
    for (const CuOpening& cu : cus) {
      opening = &cu;
      FlavourOptions f;
      f.cu = cu;
      transports.push_back(rtl ? make_ip_transport(card, f) : make_kernel_transport(card, f));
    }
    return transports;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("xrt: cannot {} '{}' on device {}: {}",
                                         opening ? "open compute unit " + opening->cu.name + " of" : std::string("load"),
                                         options.xclbin, which, e.what()));
  }
}

}  // namespace espgw::driver::xrt
