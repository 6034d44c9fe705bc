// driver/xrt's xclbin inspection, kernel choice and compute-unit plan, without a card: xclbin files built
// here byte by byte in the axlf layout of XRT's xclbin.h (header, IP_LAYOUT,
// CLOCK_FREQ_TOPOLOGY, MEM_TOPOLOGY, CONNECTIVITY, EMBEDDED_METADATA) and parsed by XRT's
// own xrt::xclbin, as on a card.
#include "driver/xrt/xclbin_info.hpp"
#include "driver/xrt/xrt_flavours.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "experimental/xrt_xclbin.h"
#include "xrt/xclbin.h"

namespace espgw::driver::xrt {
namespace {

struct Clock {
  std::uint16_t mhz;
  std::uint8_t type;  // CT_DATA, CT_KERNEL, CT_SYSTEM
  const char* name;
};

struct Section {
  axlf_section_kind kind;
  std::vector<char> data;
};

template <typename T>
void append(std::vector<char>& v, const T& t) {
  v.insert(v.end(), reinterpret_cast<const char*>(&t), reinterpret_cast<const char*>(&t) + sizeof t);
}

// An axlf: the header (uuid bytes 0x00, 0x11, ...), its section table, then each section's
// bytes 8-aligned, as xclbinutil lays them out.
std::vector<char> make_axlf(const std::vector<Section>& sections) {
  const std::size_t head = sizeof(axlf) + (sections.size() - 1) * sizeof(axlf_section_header);
  std::vector<char> buf(head, 0);
  std::vector<std::size_t> offsets;
  for (const Section& sec : sections) {
    buf.resize((buf.size() + 7) / 8 * 8, 0);
    offsets.push_back(buf.size());
    buf.insert(buf.end(), sec.data.begin(), sec.data.end());
  }
  auto* top = reinterpret_cast<axlf*>(buf.data());
  std::memcpy(top->m_magic, "xclbin2", 8);
  top->m_signature_length = -1;
  std::memset(top->reserved, 0xFF, sizeof top->reserved);
  top->m_header.m_versionMajor = 2;
  top->m_header.m_numSections = static_cast<std::uint32_t>(sections.size());
  top->m_header.m_length = buf.size();
  for (int i = 0; i < 16; ++i) top->m_header.uuid[i] = static_cast<unsigned char>(i * 0x11);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    top->m_sections[i].m_sectionKind = sections[i].kind;
    top->m_sections[i].m_sectionOffset = offsets[i];
    top->m_sections[i].m_sectionSize = sections[i].data.size();
  }
  return buf;
}

Section ip_layout_section(const std::vector<std::pair<std::string, IP_TYPE>>& ips) {
  Section sec{IP_LAYOUT, {}};
  append(sec.data, static_cast<std::int32_t>(ips.size()));
  sec.data.resize(8, 0);  // m_ip_data is 8-aligned (its m_base_address)
  for (std::size_t i = 0; i < ips.size(); ++i) {
    ip_data d{};
    d.m_type = ips[i].second;
    d.properties = AP_CTRL_NONE << 8;  // user-managed
    d.m_base_address = 0x1800000 + 0x10000 * i;
    std::strncpy(reinterpret_cast<char*>(d.m_name), ips[i].first.c_str(), sizeof d.m_name - 1);
    append(sec.data, d);
  }
  return sec;
}

Section clock_section(const std::vector<Clock>& clocks) {
  Section sec{CLOCK_FREQ_TOPOLOGY, {}};
  append(sec.data, static_cast<std::int16_t>(clocks.size()));
  for (const Clock& c : clocks) {
    clock_freq f{};
    f.m_freq_Mhz = c.mhz;
    f.m_type = c.type;
    std::strncpy(f.m_name, c.name, sizeof f.m_name - 1);
    append(sec.data, f);
  }
  return sec;
}

std::vector<char> make_xclbin(const std::vector<std::pair<std::string, IP_TYPE>>& ips, const std::vector<Clock>& clocks) {
  std::vector<Section> sections{ip_layout_section(ips)};
  if (!clocks.empty()) sections.push_back(clock_section(clocks));
  return make_axlf(sections);
}

// One kernel CU as v++ links it: its IP_LAYOUT name and the DDR bank its one pointer
// argument (on M_AXI_GMEM) is connected to; -1: no CONNECTIVITY entry for it.
struct LinkedCu {
  std::string name;
  int bank;
};

// An xclbin as v++ links it: `banks` DDR banks, the CUs in IP_LAYOUT in the order given
// (base addresses 0x1800000, 0x1810000, ...), CONNECTIVITY for each CU with a bank, and
// the kernel metadata XRT reads argument names and instances from.
std::vector<char> make_linked_xclbin(const std::vector<LinkedCu>& cus, int banks) {
  Section mem{MEM_TOPOLOGY, {}};
  append(mem.data, std::int32_t{banks});
  mem.data.resize(8, 0);
  for (int i = 0; i < banks; ++i) {
    mem_data m{};
    m.m_type = MEM_DDR4;
    m.m_used = 1;
    m.m_size = 16u << 20;  // KiB
    m.m_base_address = 0x400000000ull * static_cast<unsigned>(i);
    std::snprintf(reinterpret_cast<char*>(m.m_tag), sizeof m.m_tag, "DDR[%d]", i);
    append(mem.data, m);
  }
  Section conn{CONNECTIVITY, {}};
  std::vector<connection> links;
  std::vector<std::pair<std::string, IP_TYPE>> ips;
  for (std::size_t i = 0; i < cus.size(); ++i) {
    ips.emplace_back(cus[i].name, IP_KERNEL);
    if (cus[i].bank >= 0) links.push_back(connection{0, static_cast<std::int32_t>(i), cus[i].bank});  // arg 0 -> bank
  }
  append(conn.data, static_cast<std::int32_t>(links.size()));
  for (const connection& c : links) append(conn.data, c);
  // <kernel> elements in first-seen order, each with its <instance>s.
  std::vector<std::pair<std::string, std::string>> kernels;  // name, instance xml
  for (std::size_t i = 0; i < cus.size(); ++i) {
    const std::string& cu = cus[i].name;
    const std::string kernel = cu.substr(0, cu.find(':'));
    char base[32];
    std::snprintf(base, sizeof base, "0x%zx", 0x1800000 + 0x10000 * i);
    const std::string instance = "<instance name=\"" + cu.substr(cu.find(':') + 1) + "\"><addrRemap base=\"" + base +
                                 "\" range=\"0x1000\" port=\"S_AXI_CONTROL\"/></instance>\n";
    auto it = std::find_if(kernels.begin(), kernels.end(), [&](const auto& k) { return k.first == kernel; });
    if (it == kernels.end())
      kernels.emplace_back(kernel, instance);
    else
      it->second += instance;
  }
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<project name="esp"><platform vendor="xilinx" boardid="u250" name="u250" featureRomTime="0">
<device name="fpga0" fpgaDevice="virtexuplus" addrWidth="0"><core name="OCL_REGION_0" target="bitstream" type="clc_region" clockFreq="0MHz" numComputeUnits=")" +
                    std::to_string(cus.size()) + R"(">
)";
  for (const auto& [kernel, instances] : kernels) {
    xml += "<kernel name=\"" + kernel + R"(" language="ip_c" vlnv="espgw.org:kernel:)" + kernel +
           R"(:1.0" preferredWorkGroupSizeMultiple="0" workGroupSize="1" interrupt="true" hwControlProtocol="user_managed">
<port name="S_AXI_CONTROL" mode="slave" range="0x1000" dataWidth="32" portType="addressable" base="0x0"/>
<port name="M_AXI_GMEM" mode="master" range="0xFFFFFFFFFFFFFFFF" dataWidth="128" portType="addressable" base="0x0"/>
<arg name="desc_ring" addressQualifier="1" id="0" port="M_AXI_GMEM" size="0x8" offset="0x40" hostOffset="0x0" hostSize="0x8" type="void*"/>
)" + instances + "</kernel>\n";
  }
  xml += "</core></device></platform></project>";
  Section meta{EMBEDDED_METADATA, std::vector<char>(xml.begin(), xml.end())};
  meta.data.push_back(0);
  return make_axlf({ip_layout_section(ips), mem, conn, meta, clock_section({{300, CT_DATA, "DATA_CLK"}})});
}

// esp_top as v++ links it with one CU on the second of two DDR banks.
std::vector<char> make_linked_rtl_xclbin() { return make_linked_xclbin({{"esp_top:esp_top_1", 1}}, 2); }

class TempFile {
 public:
  explicit TempFile(const std::vector<char>& bytes) {
    char tmpl[] = "/tmp/espgw-xclbin-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    ::close(fd);
    path_ = tmpl;
    std::ofstream(path_, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

const std::vector<Clock> kU250Clocks = {{300, CT_DATA, "DATA_CLK"}, {500, CT_KERNEL, "KERNEL_CLK"}};

TEST(XrtKernelChoice, EspTopIsTheRtlFlavourDrivenThroughXrtIp) {
  const KernelChoice c = choose_kernel({"esp_top:esp_top_1"});
  EXPECT_EQ(c.flavour, KernelFlavour::kRtl);
  EXPECT_EQ(c.name, "esp_top");
}

TEST(XrtKernelChoice, EspKernelIsTheHlsFlavourDrivenThroughXrtKernel) {
  const KernelChoice c = choose_kernel({"esp_kernel:esp_kernel_1"});
  EXPECT_EQ(c.flavour, KernelFlavour::kHls);
  EXPECT_EQ(c.name, "esp_kernel");
}

TEST(XrtKernelChoice, BothKernelsPresentPicksTheRtlOne) {
  EXPECT_EQ(choose_kernel({"esp_kernel:esp_kernel_1", "esp_top:esp_top_1"}).flavour, KernelFlavour::kRtl);
}

TEST(XrtKernelChoice, NeitherKernelFailsNamingWhatTheXclbinHolds) {
  const std::string msg = error_of([] { choose_kernel({"vadd:vadd_1", "esp_top_x:esp_top_x_1"}); });
  EXPECT_NE(msg.find("kernel not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vadd:vadd_1, esp_top_x:esp_top_x_1"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { choose_kernel({}); }).find("no kernels"), std::string::npos);
}

TEST(XrtXclbinInfo, RtlXclbinGivesUuidDataClockAndTheRtlKernel) {
  TempFile f(make_xclbin({{"esp_top:esp_top_1", IP_KERNEL}, {"HBM[0]", IP_MEM_DDR4}}, kU250Clocks));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.uuid, "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(info.kernel_clock_mhz, 300u);  // ap_clk is the DATA clock, not KERNEL_CLK
  EXPECT_EQ(info.cu_names, std::vector<std::string>{"esp_top:esp_top_1"});
  EXPECT_EQ(info.kernel.flavour, KernelFlavour::kRtl);
  ASSERT_EQ(info.cus.size(), 1u);
  EXPECT_EQ(info.cus[0].bank, -1);  // no CONNECTIVITY section: the transport's default bank
}

TEST(XrtXclbinInfo, ConnectivityNamesTheBankTheRtlKernelsBuffersGoIn) {
  TempFile f(make_linked_rtl_xclbin());
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.kernel.flavour, KernelFlavour::kRtl);
  ASSERT_EQ(info.cus.size(), 1u);
  EXPECT_EQ(info.cus[0].bank, 1);  // DDR[1], from the CONNECTIVITY section, not the default 0
  EXPECT_EQ(info.kernel_clock_mhz, 300u);
}

TEST(XrtXclbinInfo, HlsXclbinPicksTheHlsKernel) {
  TempFile f(make_xclbin({{"esp_kernel:esp_kernel_1", IP_KERNEL}}, kU250Clocks));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.kernel.flavour, KernelFlavour::kHls);
  EXPECT_EQ(info.kernel.name, "esp_kernel");
}

TEST(XrtXclbinInfo, KernelClockFallsBackToKernelClkAndIsZeroWithoutClocks) {
  TempFile only_kernel(make_xclbin({{"esp_top:esp_top_1", IP_KERNEL}}, {{450, CT_KERNEL, "KERNEL_CLK"}}));
  EXPECT_EQ(inspect_xclbin_file(only_kernel.path()).kernel_clock_mhz, 450u);
  TempFile none(make_xclbin({{"esp_top:esp_top_1", IP_KERNEL}}, {}));
  EXPECT_EQ(inspect_xclbin_file(none.path()).kernel_clock_mhz, 0u);
}

TEST(XrtXclbinInfo, ForeignXclbinFailsNamingThePathAndItsKernels) {
  TempFile f(make_xclbin({{"vadd:vadd_1", IP_KERNEL}}, kU250Clocks));
  const std::string msg = error_of([&] { inspect_xclbin_file(f.path()); });
  EXPECT_NE(msg.find("xrt: '" + f.path() + "': kernel not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vadd:vadd_1"), std::string::npos) << msg;
}

TEST(XrtXclbinInfo, MissingOrGarbageFileFailsWithOneLine) {
  const std::string missing = error_of([] { inspect_xclbin_file("/nonexistent/esp.xclbin"); });
  EXPECT_EQ(missing.rfind("xrt: cannot read xclbin '/nonexistent/esp.xclbin': ", 0), 0u) << missing;
  TempFile garbage(std::vector<char>(1024, 'x'));
  const std::string bad = error_of([&] { inspect_xclbin_file(garbage.path()); });
  EXPECT_EQ(bad.rfind("xrt: cannot read xclbin '" + garbage.path() + "': ", 0), 0u) << bad;
  EXPECT_EQ(bad.find('\n'), std::string::npos) << bad;
}

// --- Several compute units (v++ --connectivity.nk=esp_top:3, docs/hardware.md) ---

std::vector<std::string> names_of(const std::vector<ComputeUnit>& cus) {
  std::vector<std::string> names;
  for (const ComputeUnit& cu : cus) names.push_back(cu.name);
  return names;
}

std::vector<int> banks_of(const std::vector<ComputeUnit>& cus) {
  std::vector<int> banks;
  for (const ComputeUnit& cu : cus) banks.push_back(cu.bank);
  return banks;
}

// kernels/vitis/connectivity/u250_gcm3.cfg: one esp_top CU per SLR, each on its own DDR bank.
std::vector<char> make_u250_gcm3_xclbin() {
  return make_linked_xclbin({{"esp_top:esp_top_1", 0}, {"esp_top:esp_top_2", 1}, {"esp_top:esp_top_3", 2}}, 4);
}

TEST(XrtComputeUnits, ThreeEspTopCusLinkedLikeU250Gcm3HaveBanks0And1And2) {
  TempFile f(make_u250_gcm3_xclbin());
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.kernel.flavour, KernelFlavour::kRtl);
  ASSERT_EQ(info.cus.size(), 3u);
  EXPECT_EQ(names_of(info.cus), (std::vector<std::string>{"esp_top:esp_top_1", "esp_top:esp_top_2", "esp_top:esp_top_3"}));
  EXPECT_EQ(info.cus[1].instance, "esp_top_2");
  EXPECT_EQ(banks_of(info.cus), (std::vector<int>{0, 1, 2}));
}

TEST(XrtComputeUnits, CusKeepIpLayoutOrderNotInstanceNameOrder) {
  // The documented order is IP_LAYOUT's: the file fixes it, so unit k is the same CU on
  // every run of one xclbin, and each CU keeps its own bank whatever its position.
  TempFile f(make_linked_xclbin({{"esp_top:esp_top_3", 2}, {"esp_top:esp_top_1", 0}, {"esp_top:esp_top_2", 1}}, 3));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(names_of(info.cus), (std::vector<std::string>{"esp_top:esp_top_3", "esp_top:esp_top_1", "esp_top:esp_top_2"}));
  EXPECT_EQ(banks_of(info.cus), (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(names_of(inspect_xclbin_file(f.path()).cus), names_of(info.cus));  // stable across reads
}

TEST(XrtComputeUnits, CusWithoutConnectivityAreNamedWithBankMinusOne) {
  TempFile f(make_xclbin({{"esp_top:esp_top_1", IP_KERNEL}, {"DDR[0]", IP_MEM_DDR4}, {"esp_top:esp_top_2", IP_KERNEL},
                          {"esp_top:esp_top_3", IP_KERNEL}},
                         kU250Clocks));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(names_of(info.cus), (std::vector<std::string>{"esp_top:esp_top_1", "esp_top:esp_top_2", "esp_top:esp_top_3"}));
  EXPECT_EQ(banks_of(info.cus), (std::vector<int>{-1, -1, -1}));
}

TEST(XrtComputeUnits, OnlyOneCuConnectedLeavesTheOthersAtBankMinusOne) {
  TempFile f(make_linked_xclbin({{"esp_top:esp_top_1", -1}, {"esp_top:esp_top_2", 3}}, 4));
  EXPECT_EQ(banks_of(inspect_xclbin_file(f.path()).cus), (std::vector<int>{-1, 3}));
}

TEST(XrtComputeUnits, MixedXclbinListsTheEspTopCusOnly) {
  TempFile f(make_linked_xclbin({{"esp_kernel:esp_kernel_1", 0}, {"esp_top:esp_top_1", 1}, {"esp_top:esp_top_2", 2}}, 3));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.kernel.name, "esp_top");
  EXPECT_EQ(info.cu_names.size(), 3u);  // every kernel's CUs are still listed
  EXPECT_EQ(names_of(info.cus), (std::vector<std::string>{"esp_top:esp_top_1", "esp_top:esp_top_2"}));
  EXPECT_EQ(banks_of(info.cus), (std::vector<int>{1, 2}));
}

TEST(XrtComputeUnits, HlsCusAreOpenedThroughXrtKernelsInstanceSelector) {
  TempFile f(make_linked_xclbin({{"esp_kernel:esp_kernel_1", 0}, {"esp_kernel:esp_kernel_2", 1}}, 2));
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(info.kernel.flavour, KernelFlavour::kHls);
  ASSERT_EQ(info.cus.size(), 2u);
  // xrt::kernel's "kernelname:{instancename}" syntax (xrt_kernel.h) opens exactly this CU.
  EXPECT_EQ(info.cus[1].kernel_selector(), "esp_kernel:{esp_kernel_2}");
  EXPECT_EQ(banks_of(info.cus), (std::vector<int>{0, 1}));
}

TEST(XrtComputeUnits, EachCuNameIsAnIpXrtResolvesAtItsOwnBaseAddress) {
  // xrt::ip(device, uuid, name) looks the name up with xrt::xclbin::get_ip: the name the
  // transport passes must be found there, each at its own register window, without a card.
  TempFile f(make_u250_gcm3_xclbin());
  const ::xrt::xclbin xclbin(f.path());
  const XclbinInfo info = inspect_xclbin(xclbin);
  for (std::size_t k = 0; k < info.cus.size(); ++k) {
    const ::xrt::xclbin::ip ip = xclbin.get_ip(info.cus[k].name);
    ASSERT_TRUE(ip) << info.cus[k].name;
    EXPECT_EQ(ip.get_base_address(), 0x1800000u + 0x10000u * k) << info.cus[k].name;
  }
  EXPECT_FALSE(xclbin.get_ip("esp_top"));  // the bare kernel name names no IP
}

TEST(XrtComputeUnits, RtlPlanOpensEachCuByItsIpNameWithBuffersInItsOwnBank) {
  TempFile f(make_u250_gcm3_xclbin());
  const ::xrt::xclbin xclbin(f.path());
  const std::vector<CuOpening> plan = plan_compute_units(inspect_xclbin(xclbin), 3, f.path(), 7);
  ASSERT_EQ(plan.size(), 3u);
  for (std::size_t k = 0; k < plan.size(); ++k) {
    EXPECT_EQ(plan[k].xrt_name, "esp_top:esp_top_" + std::to_string(k + 1));
    EXPECT_EQ(plan[k].bank, static_cast<int>(k));  // the link's bank, not the default 7
    EXPECT_TRUE(xclbin.get_ip(plan[k].xrt_name)) << plan[k].xrt_name;  // what xrt::ip resolves
  }
}

TEST(XrtComputeUnits, RtlPlanPutsUnlinkedCusInTheDefaultBank) {
  TempFile f(make_linked_xclbin({{"esp_top:esp_top_1", -1}, {"esp_top:esp_top_2", 3}}, 4));
  const std::vector<CuOpening> plan = plan_compute_units(inspect_xclbin_file(f.path()), 2, f.path(), 2);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].bank, 2);  // no CONNECTIVITY entry: XrtOpenOptions::memory_bank
  EXPECT_EQ(plan[1].bank, 3);
}

TEST(XrtComputeUnits, HlsPlanOpensEachCuThroughXrtKernelsInstanceSelector) {
  TempFile f(make_linked_xclbin({{"esp_kernel:esp_kernel_1", 0}, {"esp_kernel:esp_kernel_2", 1}}, 2));
  const std::vector<CuOpening> plan = plan_compute_units(inspect_xclbin_file(f.path()), 2, f.path(), 0);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].xrt_name, "esp_kernel:{esp_kernel_1}");
  EXPECT_EQ(plan[1].xrt_name, "esp_kernel:{esp_kernel_2}");
  EXPECT_EQ(plan[1].bank, -1);  // xrt::kernel::group_id decides on the card
}

TEST(XrtComputeUnits, PlanForMoreCusThanLinkedFailsLikeTheSelection) {
  TempFile f(make_u250_gcm3_xclbin());
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(error_of([&] { plan_compute_units(info, 4, f.path(), 0); }),
            error_of([&] { select_compute_units(info, 4, f.path()); }));
}

TEST(XrtComputeUnits, EachTransportDescribesItsCuAndBank) {
  LoadedXclbin card;  // no device: describe_cu only reads the names
  card.which = "0000:65:00.1";
  card.path = "esp_top.u250_gcm3.hw.xclbin";
  const ComputeUnit cu{"esp_top:esp_top_2", "esp_top_2", 1};
  EXPECT_EQ(describe_cu(card, cu, cu.bank, "RTL, xrt::ip"),
            "xrt: device 0000:65:00.1 (esp_top.u250_gcm3.hw.xclbin), kernel esp_top:esp_top_2 (bank 1, RTL, xrt::ip)");
}

TEST(XrtComputeUnits, SelectingAtMostTheCuCountGivesTheFirstOnesInOrder) {
  TempFile f(make_u250_gcm3_xclbin());
  const XclbinInfo info = inspect_xclbin_file(f.path());
  EXPECT_EQ(names_of(select_compute_units(info, 1, f.path())), std::vector<std::string>{"esp_top:esp_top_1"});
  EXPECT_EQ(banks_of(select_compute_units(info, 2, f.path())), (std::vector<int>{0, 1}));
  EXPECT_EQ(names_of(select_compute_units(info, 3, f.path())), names_of(info.cus));
  EXPECT_EQ(error_of([&] { select_compute_units(info, 0, f.path()); }),
            "xrt: 0 compute units requested; at least 1 is needed");
}

TEST(XrtComputeUnits, AskingForFourCusOfAThreeCuXclbinFailsNamingBothCountsAndTheCus) {
  TempFile f(make_u250_gcm3_xclbin());
  const XclbinInfo info = inspect_xclbin_file(f.path());
  const std::string msg = error_of([&] { select_compute_units(info, 4, f.path()); });
  EXPECT_EQ(msg, "xrt: 4 compute units requested but '" + f.path() +
                     "' has 3 esp_top CUs (esp_top:esp_top_1, esp_top:esp_top_2, esp_top:esp_top_3); link more with "
                     "v++ --connectivity.nk=esp_top:4 or ask for fewer");
}

}  // namespace
}  // namespace espgw::driver::xrt
