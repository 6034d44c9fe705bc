// esp_dma_rd: the read half of the kernel's AXI4 master (AR/R, 128-bit data, 64-bit
// addresses, ID 0): loads a byte range of device memory into one region of the local packet
// buffer. Any byte address and length; INCR bursts of up to 256 beats that never cross a
// 4 KiB boundary (AXI4 A3.4.1); one burst outstanding. Runs independently of esp_dma_wr
// (AXI's read and write channels are independent), so a load overlaps a store.
module esp_dma_rd (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  esp_kernel_pkg::dma_req_t              req_i,     // start is a one-clock pulse
  output logic                                  busy_o,
  output logic                                  done_o,    // one clock
  // Local buffer: writes only, into region_o
  output esp_kernel_pkg::buf_req_t              buf_o,
  output esp_kernel_pkg::region_e               region_o,
  // AXI4 master, read channels
  output logic                                  m_axi_arvalid,
  input  logic                                  m_axi_arready,
  output logic [63:0]                           m_axi_araddr,
  output logic [7:0]                            m_axi_arlen,
  input  logic                                  m_axi_rvalid,
  output logic                                  m_axi_rready,
  input  logic [127:0]                          m_axi_rdata,
  input  logic                                  m_axi_rlast
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;

  typedef enum logic [1:0] {
    Idle,
    ReadAddr,
    ReadData
  } state_e;
  state_e state_q;
  state_e state_d;
  logic   done_q;
  logic   done_d;

  logic [63:0]   start_q, end_q, beat_q;  // byte range; aligned address of the next beat
  logic [63:0]   start_d, end_d, beat_d;
  logic [AB-1:0] laddr_q, laddr_d;        // local address of start_q
  logic [8:0]    left_q, left_d;          // beats left in the current burst
  esp_kernel_pkg::region_e region_q, region_d;

  // The next burst's length and the current beat's byte lanes (esp_kernel_pkg, shared with the
  // other engine).
  logic [8:0]  burst;
  logic [15:0] lanes;
  assign burst = esp_kernel_pkg::burst_beats(beat_q, end_q);
  assign lanes = esp_kernel_pkg::beat_lanes(beat_q, start_q, end_q);

  // The local address of the beat's first byte (may wrap below 0 for the first beat: those
  // bytes are masked).
  logic [AB-1:0] beat_laddr;
  assign beat_laddr = laddr_q + AB'(beat_q - start_q);

  function automatic logic [15:0] reverse_bits16(logic [15:0] v);
    for (int unsigned k = 0; k < 16; k++) reverse_bits16[k] = v[15 - k];
  endfunction

  always_comb begin
    state_d  = state_q;
    done_d   = 1'b0;
    start_d  = start_q;
    end_d    = end_q;
    beat_d   = beat_q;
    laddr_d  = laddr_q;
    left_d   = left_q;
    region_d = region_q;
    unique case (state_q)
      Idle: begin
        if (req_i.start) begin
          start_d  = req_i.gaddr;
          end_d    = req_i.gaddr + {47'd0, req_i.len};
          laddr_d  = req_i.laddr;
          region_d = req_i.region;
          beat_d   = {req_i.gaddr[63:4], 4'd0};
          if (req_i.len == 0) done_d = 1'b1;
          else state_d = ReadAddr;
        end
      end
      ReadAddr: begin
        if (m_axi_arready) begin
          left_d  = burst;
          state_d = ReadData;
        end
      end
      ReadData: begin
        if (m_axi_rvalid) begin
          beat_d = beat_q + 64'd16;
          left_d = left_q - 9'd1;
          if (m_axi_rlast || left_q == 9'd1) begin
            if (beat_q + 64'd16 >= end_q) begin
              state_d = Idle;
              done_d  = 1'b1;
            end else begin
              state_d = ReadAddr;
            end
          end
        end
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
      done_q  <= 1'b0;
    end else begin
      state_q <= state_d;
      done_q  <= done_d;
    end
  end

  always_ff @(posedge clk_i) begin
    start_q  <= start_d;
    end_q    <= end_d;
    beat_q   <= beat_d;
    laddr_q  <= laddr_d;
    left_q   <= left_d;
    region_q <= region_d;
  end

  logic unused_req;
  assign unused_req = req_i.store;  // the core routes each request to its engine

  assign busy_o   = state_q != Idle;
  assign done_o   = done_q;
  assign region_o = region_q;

  assign m_axi_arvalid = state_q == ReadAddr;
  assign m_axi_araddr  = beat_q;
  assign m_axi_arlen   = 8'(burst - 9'd1);
  assign m_axi_rready  = state_q == ReadData;

  always_comb begin
    buf_o         = '0;
    buf_o.wr_en   = state_q == ReadData && m_axi_rvalid;
    buf_o.wr_addr = beat_laddr;
    buf_o.wr_data = esp_kernel_pkg::reverse_bytes(m_axi_rdata);
    buf_o.wr_mask = reverse_bits16(lanes);
  end

endmodule
