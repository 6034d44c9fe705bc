// The pins the harness drives on a Verilated kernel: pointers into the model's public port
// members, grouped per AXI interface (AMBA AXI4 / AXI4-Lite, IHI 0022). bind_*() fills them
// from any model with Vitis port names (esp_top, sim/test/axi_probe), so the master and the
// memory model are written once, against pins, not against one generated class.
#pragma once

#include <cstdint>

namespace espgw::sim {

// s_axi_control_*: 12-bit addresses, 32-bit data. Inputs of the model are writable.
struct AxiLitePorts {
  std::uint8_t* awvalid;
  const std::uint8_t* awready;
  std::uint16_t* awaddr;
  std::uint8_t* wvalid;
  const std::uint8_t* wready;
  std::uint32_t* wdata;
  std::uint8_t* wstrb;
  const std::uint8_t* bvalid;
  std::uint8_t* bready;
  const std::uint8_t* bresp;
  std::uint8_t* arvalid;
  const std::uint8_t* arready;
  std::uint16_t* araddr;
  const std::uint8_t* rvalid;
  std::uint8_t* rready;
  const std::uint32_t* rdata;
  const std::uint8_t* rresp;
};

// m_axi_gmem_*: 64-bit addresses, 128-bit data as four 32-bit words (word 0 = bits 31-0,
// Verilator's VlWide order), ID width 1. The memory model is the slave: DUT outputs are const.
struct AxiMemoryPorts {
  const std::uint8_t* awvalid;
  std::uint8_t* awready;
  const std::uint64_t* awaddr;
  const std::uint8_t* awlen;
  const std::uint8_t* awsize;
  const std::uint8_t* awburst;
  const std::uint8_t* awid;
  const std::uint8_t* wvalid;
  std::uint8_t* wready;
  const std::uint32_t* wdata;
  const std::uint16_t* wstrb;
  const std::uint8_t* wlast;
  std::uint8_t* bvalid;
  const std::uint8_t* bready;
  std::uint8_t* bresp;
  std::uint8_t* bid;
  const std::uint8_t* arvalid;
  std::uint8_t* arready;
  const std::uint64_t* araddr;
  const std::uint8_t* arlen;
  const std::uint8_t* arsize;
  const std::uint8_t* arburst;
  const std::uint8_t* arid;
  std::uint8_t* rvalid;
  const std::uint8_t* rready;
  std::uint32_t* rdata;
  std::uint8_t* rresp;
  std::uint8_t* rlast;
  std::uint8_t* rid;
};

template <class Model>
AxiLitePorts bind_axi_lite(Model& m) {
  return {&m.s_axi_control_awvalid, &m.s_axi_control_awready, &m.s_axi_control_awaddr,
          &m.s_axi_control_wvalid,  &m.s_axi_control_wready,  &m.s_axi_control_wdata,
          &m.s_axi_control_wstrb,   &m.s_axi_control_bvalid,  &m.s_axi_control_bready,
          &m.s_axi_control_bresp,   &m.s_axi_control_arvalid, &m.s_axi_control_arready,
          &m.s_axi_control_araddr,  &m.s_axi_control_rvalid,  &m.s_axi_control_rready,
          &m.s_axi_control_rdata,   &m.s_axi_control_rresp};
}

template <class Model>
AxiMemoryPorts bind_axi_memory(Model& m) {
  return {&m.m_axi_gmem_awvalid, &m.m_axi_gmem_awready, &m.m_axi_gmem_awaddr, &m.m_axi_gmem_awlen,
          &m.m_axi_gmem_awsize,  &m.m_axi_gmem_awburst, &m.m_axi_gmem_awid,   &m.m_axi_gmem_wvalid,
          &m.m_axi_gmem_wready,  m.m_axi_gmem_wdata.data(), &m.m_axi_gmem_wstrb, &m.m_axi_gmem_wlast,
          &m.m_axi_gmem_bvalid,  &m.m_axi_gmem_bready,  &m.m_axi_gmem_bresp,  &m.m_axi_gmem_bid,
          &m.m_axi_gmem_arvalid, &m.m_axi_gmem_arready, &m.m_axi_gmem_araddr, &m.m_axi_gmem_arlen,
          &m.m_axi_gmem_arsize,  &m.m_axi_gmem_arburst, &m.m_axi_gmem_arid,   &m.m_axi_gmem_rvalid,
          &m.m_axi_gmem_rready,  m.m_axi_gmem_rdata.data(), &m.m_axi_gmem_rresp, &m.m_axi_gmem_rlast,
          &m.m_axi_gmem_rid};
}

}  // namespace espgw::sim
