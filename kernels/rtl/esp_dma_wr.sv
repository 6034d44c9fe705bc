// esp_dma_wr: the write half of the kernel's AXI4 master (AW/W/B, 128-bit data, 64-bit
// addresses, ID 0): stores a byte range of one local buffer region to device memory with
// byte strobes for unaligned ends. INCR bursts of up to 256 beats that never cross a 4 KiB
// boundary (AXI4 A3.4.1). A request is done on the clock its last W beat goes (done_o and
// busy_o low on that clock: its bytes are out of the buffer, and the next request is taken
// on it, so requests follow each other with one clock between their data, the clock of the
// next AW and first buffer read); B responses are counted apart, up to MaxOutstanding
// bursts, so the next request need not wait for them (idle_o: no request and no B
// outstanding, what the core waits for before the completions). A store reads a beat's bytes only once they lie
// within avail_i bytes of the range's start (all ones: everything), so it can trail a
// cipher that is still writing the range; W may pause inside a burst while it waits.
module esp_dma_wr #(
  parameter int unsigned MaxOutstanding = 8  // write bursts whose B may be outstanding
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  esp_kernel_pkg::dma_req_t              req_i,     // start is a one-clock pulse
  input  logic [31:0]                           avail_i,   // bytes ready from the start
  output logic                                  busy_o,
  output logic                                  done_o,    // one clock, with the last W beat
  output logic                                  idle_o,    // no request, no B outstanding
  // Local buffer: reads only (a read port of its own), from region_o
  output esp_kernel_pkg::buf_req_t              buf_o,
  output esp_kernel_pkg::region_e               region_o,
  input  logic [127:0]                          buf_rd_data_i,
  // AXI4 master, write channels
  output logic                                  m_axi_awvalid,
  input  logic                                  m_axi_awready,
  output logic [63:0]                           m_axi_awaddr,
  output logic [7:0]                            m_axi_awlen,
  output logic                                  m_axi_wvalid,
  input  logic                                  m_axi_wready,
  output logic [127:0]                          m_axi_wdata,
  output logic [15:0]                           m_axi_wstrb,
  output logic                                  m_axi_wlast,
  input  logic                                  m_axi_bvalid,
  output logic                                  m_axi_bready
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;

  typedef enum logic [1:0] {
    Idle,
    WriteAddr,
    WriteFetch,
    WriteData
  } state_e;
  state_e state_q;
  state_e state_d;
  logic   fin, take;  // the request's last W beat goes; a request is taken

  logic [63:0]   start_q, end_q, beat_q;  // byte range; aligned address of the next beat
  logic [63:0]   start_d, end_d, beat_d;
  logic [AB-1:0] laddr_q, laddr_d;        // local address of start_q
  logic [8:0]    left_q, left_d;          // beats left in the current burst
  esp_kernel_pkg::region_e region_q, region_d;
  localparam int unsigned OB = $clog2(MaxOutstanding + 1);
  logic [OB-1:0] pend_b_q, pend_b_d;      // bursts sent (AW) whose B has not come back
  logic          aw_ok;
  assign aw_ok = pend_b_q != OB'(MaxOutstanding);

  // The next burst's length and the current beat's byte lanes (esp_kernel_pkg, shared with the
  // other engine).
  logic [8:0]  burst;
  logic [15:0] lanes;
  assign burst = esp_kernel_pkg::burst_beats(beat_q, end_q);
  assign lanes = esp_kernel_pkg::beat_lanes(beat_q, start_q, end_q);

  logic [AB-1:0] beat_laddr;
  assign beat_laddr = laddr_q + AB'(beat_q - start_q);


  // Whether the beat at beat_q (cur) and the one after it (next) may be read.
  logic [63:0] cur_end, next_end;
  logic        can_cur, can_next;
  always_comb begin
    cur_end  = beat_q + 64'd16;
    next_end = beat_q + 64'd32;
    if (cur_end > end_q) cur_end = end_q;
    if (next_end > end_q) next_end = end_q;
  end
  assign can_cur  = cur_end - start_q <= {32'd0, avail_i};
  assign can_next = next_end - start_q <= {32'd0, avail_i};

  assign fin  = state_q == WriteData && m_axi_wready && left_q == 9'd1 && beat_q + 64'd16 >= end_q;
  assign take = req_i.start && (state_q == Idle || fin);

  always_comb begin
    state_d  = state_q;
    start_d  = start_q;
    end_d    = end_q;
    beat_d   = beat_q;
    laddr_d  = laddr_q;
    left_d   = left_q;
    region_d = region_q;
    unique case (state_q)
      Idle: ;
      // The burst's AW; its first beat's buffer read on the same clock when its bytes are
      // there.
      WriteAddr: begin
        if (aw_ok && m_axi_awready) begin
          left_d  = burst;
          state_d = can_cur ? WriteData : WriteFetch;
        end
      end
      WriteFetch: if (can_cur) state_d = WriteData;  // buffer read issued this clock, data next
      WriteData: begin
        // The next beat's buffer read goes out with this beat's handshake, so a burst
        // moves one beat per clock; the buffer holds its data while wready is low.
        if (m_axi_wready) begin
          beat_d = beat_q + 64'd16;
          left_d = left_q - 9'd1;
          if (left_q == 9'd1) begin  // the burst's last beat; its B is counted below
            if (beat_q + 64'd16 >= end_q) begin
              state_d = Idle;  // (or the next request's AW, below)
            end else begin
              state_d = WriteAddr;
            end
          end else if (!can_next) begin
            state_d = WriteFetch;  // its bytes are not written yet
          end
        end
      end
      default: state_d = Idle;
    endcase
    if (take) begin
      start_d  = req_i.gaddr;
      end_d    = req_i.gaddr + {47'd0, req_i.len};
      laddr_d  = req_i.laddr;
      region_d = req_i.region;
      beat_d   = {req_i.gaddr[63:4], 4'd0};
      state_d  = (req_i.len == 0) ? Idle : WriteAddr;
    end
  end

  always_comb begin
    pend_b_d = pend_b_q;
    if (m_axi_awvalid && m_axi_awready) pend_b_d = pend_b_d + OB'(1);
    if (m_axi_bvalid) pend_b_d = pend_b_d - OB'(1);  // bready is always high
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q  <= Idle;
      pend_b_q <= '0;
    end else begin
      state_q  <= state_d;
      pend_b_q <= pend_b_d;
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

  assign busy_o   = state_q != Idle && !fin;
  assign idle_o   = state_q == Idle && pend_b_q == '0;
  // An empty request is done on its own clock.
  assign done_o   = fin || (state_q == Idle && req_i.start && req_i.len == 0);
  assign region_o = region_q;

  assign m_axi_awvalid = state_q == WriteAddr && aw_ok;
  assign m_axi_awaddr  = beat_q;
  assign m_axi_awlen   = 8'(burst - 9'd1);
  assign m_axi_wvalid  = state_q == WriteData;
  assign m_axi_wdata   = esp_kernel_pkg::reverse_bytes(buf_rd_data_i);
  assign m_axi_wstrb   = lanes;
  assign m_axi_wlast   = left_q == 9'd1;
  assign m_axi_bready  = 1'b1;

  always_comb begin
    buf_o         = '0;
    buf_o.rd_en   = ((state_q == WriteFetch || (state_q == WriteAddr && aw_ok && m_axi_awready)) && can_cur) ||
                    (state_q == WriteData && m_axi_wready && left_q != 9'd1 && can_next);
    buf_o.rd_addr = (state_q == WriteData) ? beat_laddr + AB'(16) : beat_laddr;
  end

endmodule
