// esp_dma_wr: the write half of the kernel's AXI4 master (AW/W/B, 128-bit data, 64-bit
// addresses, ID 0): stores a byte range of one local buffer region to device memory with
// byte strobes for unaligned ends. INCR bursts of up to 256 beats that never cross a 4 KiB
// boundary (AXI4 A3.4.1). Two requests are held: the one whose W beats go (cur) and a queued
// one (nxt), taken while cur still runs (busy_o: both held). The AW side runs ahead of W:
// it issues the bursts of cur and then of nxt as soon as it may (MaxOutstanding), so the
// next burst's AW (a 4 KiB boundary, the next request) is out before the W beats reach it;
// W follows the AWs in order (a beat goes only once its burst's AW went on an earlier
// clock), and on cur's last W beat nxt's first beat is read, so two requests' data follow
// back to back. A request is done on the clock its last W beat goes (done_o: its bytes are
// out of the buffer); B responses are counted apart, so no request waits for them (idle_o:
// no request and no B outstanding, what the core waits for before the completions). A
// store reads a beat's bytes only once they lie within avail_i bytes of its range's start
// (all ones: everything), so it can trail a cipher that is still writing the range; W may
// pause inside a burst while it waits. avail_i belongs to the request of this clock's
// buffer read, whose region is rd_region_o (nxt's on the clock cur ends, else cur's).
module esp_dma_wr #(
  parameter int unsigned MaxOutstanding = 8  // write bursts whose B may be outstanding
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  esp_kernel_pkg::dma_req_t              req_i,     // start: taken unless busy_o
  input  logic [31:0]                           avail_i,   // bytes ready from the start
  output logic                                  busy_o,    // two requests held: none taken
  output logic                                  done_o,    // one clock, with the last W beat
  output logic                                  idle_o,    // no request, no B outstanding
  // Local buffer: reads only (a read port of its own); the read of this clock is in
  // rd_region_o, its data (a clock later) and done_o are of region_o, cur's region
  output esp_kernel_pkg::buf_req_t              buf_o,
  output esp_kernel_pkg::region_e               rd_region_o,
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
  localparam int unsigned OB = $clog2(MaxOutstanding + 1);

  // W side: cur's range and the aligned address of its next beat; WFetch: the beat's
  // buffer read is still to issue, WData: its data is there.
  typedef enum logic [1:0] {
    WIdle,
    WFetch,
    WData
  } w_state_e;
  w_state_e w_state_q, w_state_d;
  logic [63:0]   c_start_q, c_start_d, c_end_q, c_end_d, beat_q, beat_d;
  logic [AB-1:0] c_laddr_q, c_laddr_d;  // local address of c_start_q
  esp_kernel_pkg::region_e c_region_q, c_region_d;

  // The queued request (n_v_q); n_head_q: its bytes in its first beat.
  logic          n_v_q, n_v_d;
  logic [63:0]   n_start_q, n_start_d, n_end_q, n_end_d;
  logic [AB-1:0] n_laddr_q, n_laddr_d;
  logic [4:0]    n_head_q, n_head_d;
  esp_kernel_pkg::region_e n_region_q, n_region_d;

  // AW side: the aligned address of the next burst to announce (a_v_q), in nxt (a_nxt_q)
  // or cur; a request's AWs are all out once the cursor has left it.
  logic          a_v_q, a_v_d, a_nxt_q, a_nxt_d;
  logic [63:0]   a_beat_q, a_beat_d, a_end, a_next;
  logic [8:0]    a_burst;
  logic          a_fire, a_last;

  logic [OB-1:0] pend_b_q, pend_b_d;  // bursts announced (AW) whose B has not come back
  logic [OB-1:0] ahead_q, ahead_d;    // bursts announced whose last W beat has not gone
  logic          aw_ok;
  assign aw_ok = pend_b_q != OB'(MaxOutstanding);

  // The incoming request's end and its bytes in its first beat.
  logic [63:0] req_end;
  logic [4:0]  req_head, req_room;  // req_room: the first beat's bytes from the start on
  assign req_end  = req_i.gaddr + {47'd0, req_i.len};
  assign req_room = 5'd16 - {1'b0, req_i.gaddr[3:0]};
  assign req_head = (req_i.len < {12'd0, req_room}) ? req_i.len[4:0] : req_room;

  // W beats: the request's last, the burst's last (the request's or a 4 KiB page's: the
  // AW side cut the bursts there), and a beat that goes.
  logic w_fire, w_rlast, w_blast, fin;
  assign m_axi_wvalid = w_state_q == WData && ahead_q != '0;
  assign w_fire       = m_axi_wvalid && m_axi_wready;
  assign w_rlast      = beat_q + 64'd16 >= c_end_q;
  assign w_blast      = w_rlast || beat_q[11:4] == 8'hFF;
  assign fin          = w_fire && w_rlast;

  // Requests: into cur when the W side is free on this clock, else into nxt.
  logic take, take_cur, take_nxt, w_free;
  assign busy_o   = n_v_q && !fin;
  assign w_free   = w_state_q == WIdle || (fin && !n_v_q);
  assign take     = req_i.start && req_i.len != '0 && !busy_o;
  assign take_cur = take && w_free;
  assign take_nxt = take && !w_free;

  // Whether cur's beat at beat_q (cur) and the one after it (next), or nxt's first beat
  // (first), may be read.
  logic [63:0] cur_end, next_end;
  logic        can_cur, can_next, can_first;
  always_comb begin
    cur_end  = beat_q + 64'd16;
    next_end = beat_q + 64'd32;
    if (cur_end > c_end_q) cur_end = c_end_q;
    if (next_end > c_end_q) next_end = c_end_q;
  end
  assign can_cur   = cur_end - c_start_q <= {32'd0, avail_i};
  assign can_next  = next_end - c_start_q <= {32'd0, avail_i};
  assign can_first = {27'd0, n_head_q} <= avail_i;

  logic [AB-1:0] beat_laddr;
  assign beat_laddr = c_laddr_q + AB'(beat_q - c_start_q);
  logic [15:0] lanes;
  assign lanes = esp_kernel_pkg::beat_lanes(beat_q, c_start_q, c_end_q);

  always_comb begin
    w_state_d  = w_state_q;
    c_start_d  = c_start_q;
    c_end_d    = c_end_q;
    c_laddr_d  = c_laddr_q;
    c_region_d = c_region_q;
    beat_d     = beat_q;
    n_v_d      = n_v_q;
    n_start_d  = n_start_q;
    n_end_d    = n_end_q;
    n_laddr_d  = n_laddr_q;
    n_head_d   = n_head_q;
    n_region_d = n_region_q;
    buf_o      = '0;
    buf_o.rd_addr = beat_laddr;
    unique case (w_state_q)
      WIdle: ;
      WFetch: begin
        if (can_cur) begin
          buf_o.rd_en = 1'b1;
          w_state_d   = WData;
        end
      end
      WData: begin
        // The next beat's buffer read goes out with this beat's handshake, so a burst
        // moves one beat per clock; the buffer holds its data while W waits.
        if (w_fire) begin
          if (w_rlast) begin
            w_state_d = WIdle;  // (or nxt / the incoming request, below)
          end else begin
            beat_d        = beat_q + 64'd16;
            buf_o.rd_addr = beat_laddr + AB'(16);
            if (can_next) buf_o.rd_en = 1'b1;
            else w_state_d = WFetch;  // its bytes are not written yet
          end
        end
      end
      default: w_state_d = WIdle;
    endcase
    if (fin && n_v_q) begin
      // nxt follows: its first beat's read goes with cur's last beat.
      c_start_d     = n_start_q;
      c_end_d       = n_end_q;
      c_laddr_d     = n_laddr_q;
      c_region_d    = n_region_q;
      beat_d        = {n_start_q[63:4], 4'd0};
      buf_o.rd_addr = n_laddr_q - AB'(n_start_q[3:0]);
      buf_o.rd_en   = can_first;
      w_state_d     = can_first ? WData : WFetch;
      n_v_d         = 1'b0;
    end else if (take_cur) begin
      c_start_d  = req_i.gaddr;
      c_end_d    = req_end;
      c_laddr_d  = req_i.laddr;
      c_region_d = req_i.region;
      beat_d     = {req_i.gaddr[63:4], 4'd0};
      w_state_d  = WFetch;
    end
    if (take_nxt) begin
      n_v_d      = 1'b1;
      n_start_d  = req_i.gaddr;
      n_end_d    = req_end;
      n_laddr_d  = req_i.laddr;
      n_head_d   = req_head;
      n_region_d = req_i.region;
    end
  end

  // AW side. cur's last AW always went before its last W beat (fin), so the cursor is
  // never still in cur when nxt moves up.
  assign a_end         = a_nxt_q ? n_end_q : c_end_q;
  assign a_burst       = esp_kernel_pkg::burst_beats(a_beat_q, a_end);
  assign a_next        = {a_beat_q[63:4] + 60'(a_burst), 4'd0};
  assign a_last        = a_next >= a_end;
  assign m_axi_awvalid = a_v_q && aw_ok;
  assign a_fire        = m_axi_awvalid && m_axi_awready;
  always_comb begin
    a_v_d    = a_v_q;
    a_nxt_d  = a_nxt_q;
    a_beat_d = a_beat_q;
    if (a_fire) begin
      a_beat_d = a_next;
      if (a_last) a_v_d = 1'b0;
    end
    if (fin && n_v_q) a_nxt_d = 1'b0;  // its request moved up
    if (a_fire && a_last && !a_nxt_q && n_v_q) begin
      // cur's AWs are out: on to nxt's.
      a_v_d    = 1'b1;
      a_nxt_d  = 1'b1;
      a_beat_d = {n_start_q[63:4], 4'd0};
    end else if (!a_v_d && take) begin
      // Every held request's AWs are out: the incoming one's are next.
      a_v_d    = 1'b1;
      a_nxt_d  = take_nxt;
      a_beat_d = {req_i.gaddr[63:4], 4'd0};
    end
  end

  always_comb begin
    pend_b_d = pend_b_q;
    if (a_fire) pend_b_d = pend_b_d + OB'(1);
    if (m_axi_bvalid) pend_b_d = pend_b_d - OB'(1);  // bready is always high
    ahead_d = ahead_q;
    if (a_fire) ahead_d = ahead_d + OB'(1);
    if (w_fire && w_blast) ahead_d = ahead_d - OB'(1);
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      w_state_q <= WIdle;
      n_v_q     <= 1'b0;
      a_v_q     <= 1'b0;
      a_nxt_q   <= 1'b0;
      pend_b_q  <= '0;
      ahead_q   <= '0;
    end else begin
      w_state_q <= w_state_d;
      n_v_q     <= n_v_d;
      a_v_q     <= a_v_d;
      a_nxt_q   <= a_nxt_d;
      pend_b_q  <= pend_b_d;
      ahead_q   <= ahead_d;
    end
  end

  always_ff @(posedge clk_i) begin
    c_start_q  <= c_start_d;
    c_end_q    <= c_end_d;
    c_laddr_q  <= c_laddr_d;
    c_region_q <= c_region_d;
    beat_q     <= beat_d;
    n_start_q  <= n_start_d;
    n_end_q    <= n_end_d;
    n_laddr_q  <= n_laddr_d;
    n_head_q   <= n_head_d;
    n_region_q <= n_region_d;
    a_beat_q   <= a_beat_d;
  end

  logic unused_req;
  assign unused_req = req_i.store;  // the core routes each request to its engine

  assign idle_o      = w_state_q == WIdle && pend_b_q == '0;
  // An empty request is done on its own clock (taken only with the engine empty).
  assign done_o      = fin || (w_state_q == WIdle && req_i.start && req_i.len == '0);
  assign rd_region_o = (fin && n_v_q) ? n_region_q : c_region_q;
  assign region_o    = c_region_q;

  assign m_axi_awaddr = a_beat_q;
  assign m_axi_awlen  = 8'(a_burst - 9'd1);
  assign m_axi_wdata  = esp_kernel_pkg::reverse_bytes(buf_rd_data_i);
  assign m_axi_wstrb  = lanes;
  assign m_axi_wlast  = w_blast;
  assign m_axi_bready = 1'b1;

`ifndef SYNTHESIS
  // An empty request would share done_o with cur's last beat: the core sends none while
  // a request is held (it sends none at all today).
  always_ff @(posedge clk_i) begin
    if (rst_ni && req_i.start && req_i.len == '0) begin
      assert (w_state_q == WIdle)
      else $error("esp_dma_wr: empty request while a request is held");
    end
    // W never overtakes AW: cur's AWs are all out when its last beat goes.
    if (rst_ni && fin) begin
      assert (!(a_v_q && !a_nxt_q))
      else $error("esp_dma_wr: the last W beat of a request before its last AW");
    end
  end
`endif

endmodule
