// esp_dma_rd: the read half of the kernel's AXI4 master (AR/R, 128-bit data, 64-bit
// addresses, ID 0): loads byte ranges of device memory into regions of the local packet
// buffer. Any byte address and length; INCR bursts of up to 256 beats that never cross a
// 4 KiB boundary (AXI4 A3.4.1). Up to Depth requests are queued: the AR side issues the
// bursts of the queued requests one after another without waiting for their data (ID 0,
// so R returns in order, AXI4 A5.3.1), the R side writes each beat into its request's
// region and signals done per request, in order. So the read latency is paid once per
// queue, not once per load. Runs independently of esp_dma_wr (AXI's read and write
// channels are independent), so loads overlap a store.
module esp_dma_rd #(
  parameter int unsigned Depth = 4  // requests accepted and not yet done (a power of 2)
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  esp_kernel_pkg::dma_req_t              req_i,     // start: taken when ready_o
  output logic                                  ready_o,   // a request can be taken
  output logic                                  busy_o,    // a request is not done
  output logic                                  done_o,    // one clock per request, in order
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
  localparam int unsigned PB = $clog2(Depth);

  // The queued requests (plain arrays: Yosys reads no member of a variably indexed struct
  // array): the byte range for the AR side; for the R side only what its beats need (the
  // beat count and the range's ends within their beats), so it compares no 64-bit addresses.
  logic [63:4]             q_start_q  [Depth];  // the start's beat (the R side has its byte)
  logic [63:0]             q_end_q    [Depth];
  logic [AB-2:0]           q_beats_q  [Depth];  // beats the range touches (0: empty)
  logic [3:0]              q_slo_q    [Depth];  // start's byte in its beat
  logic [3:0]              q_elo_q    [Depth];  // end's byte in its beat (0: the whole beat)
  logic [AB-1:0]           q_laddr_q  [Depth];
  esp_kernel_pkg::region_e q_region_q [Depth];

  logic [PB-1:0] wp_q, ap_q, rp_q;  // next free entry, the AR side's, the R side's
  logic [PB:0]   cnt_q;             // entries not done
  logic [PB:0]   npend_q;           // entries whose bursts are not all issued (the newest)
  logic          done_q;

  // Each side reads its entry through one selection.
  logic [63:4]             ar_start;
  logic [63:0]             ar_end;
  logic [AB-2:0]           ar_beats, r_beats;
  logic [3:0]              r_slo, r_elo;
  logic [AB-1:0]           r_laddr;
  esp_kernel_pkg::region_e r_region;
  assign ar_start = q_start_q[ap_q];
  assign ar_end   = q_end_q[ap_q];
  assign ar_beats = q_beats_q[ap_q];
  assign r_beats  = q_beats_q[rp_q];
  assign r_slo    = q_slo_q[rp_q];
  assign r_elo    = q_elo_q[rp_q];
  assign r_laddr  = q_laddr_q[rp_q];
  assign r_region = q_region_q[rp_q];

  // AR side: the aligned address of the next burst of entry ap_q (ar_fresh_q: its first).
  logic [63:0] ar_beat_q, ar_beat, ar_next;
  logic        ar_fresh_q, ar_empty, ar_fire;
  logic [8:0]  burst;
  assign ar_beat  = ar_fresh_q ? {ar_start, 4'd0} : ar_beat_q;
  assign burst    = esp_kernel_pkg::burst_beats(ar_beat, ar_end);
  assign ar_next  = ar_beat + {51'd0, burst, 4'd0};
  assign ar_empty = ar_beats == '0;  // nothing to read: skipped
  assign ar_fire  = npend_q != '0 && !ar_empty && m_axi_arready;

  // R side: entry rp_q's beats left and the local address of its next beat's first byte
  // (may wrap below 0 for the first beat: those bytes are masked; r_fresh_q: its first
  // beat); a request is done at its last beat.
  logic [AB-2:0] r_left_q, r_left;
  logic [AB-1:0] r_lbeat_q, beat_laddr;
  logic          r_fresh_q, r_fire, r_last, r_empty_pop;
  logic [15:0]   lanes;  // AXI lane k = the beat's address + k
  assign r_left      = r_fresh_q ? r_beats : r_left_q;
  assign beat_laddr  = r_fresh_q ? r_laddr - {{(AB - 4){1'b0}}, r_slo} : r_lbeat_q;
  assign r_fire      = m_axi_rvalid && m_axi_rready;
  assign r_last      = r_left == {{(AB - 2){1'b0}}, 1'b1};
  always_comb begin
    for (int unsigned k = 0; k < 16; k++) begin
      lanes[k] = (!r_fresh_q || 4'(k) >= r_slo) && (!r_last || r_elo == 4'd0 || 4'(k) < r_elo);
    end
  end
  // A zero-length request is done once the AR side has passed it (it has no beats).
  assign r_empty_pop = cnt_q != '0 && npend_q < cnt_q && r_beats == '0;

  logic take, pop;
  assign take = req_i.start && ready_o;
  assign pop  = (r_fire && r_last) || r_empty_pop;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wp_q       <= '0;
      ap_q       <= '0;
      rp_q       <= '0;
      cnt_q      <= '0;
      npend_q    <= '0;
      done_q     <= 1'b0;
      ar_fresh_q <= 1'b1;
      r_fresh_q  <= 1'b1;
    end else begin
      done_q <= pop;
      if (take) wp_q <= wp_q + 1'b1;
      cnt_q   <= cnt_q + (PB + 1)'(take) - (PB + 1)'(pop);
      // AR: a burst per handshake; the entry is passed after its last burst (or at once
      // when it is empty).
      if (npend_q != '0 && (ar_empty || (ar_fire && ar_next >= ar_end))) begin
        ap_q       <= ap_q + 1'b1;
        ar_fresh_q <= 1'b1;
        npend_q    <= npend_q + (PB + 1)'(take) - 1'b1;
      end else begin
        if (ar_fire) ar_fresh_q <= 1'b0;
        npend_q <= npend_q + (PB + 1)'(take);
      end
      // R: one beat per handshake.
      if (pop) begin
        rp_q      <= rp_q + 1'b1;
        r_fresh_q <= 1'b1;
      end else if (r_fire) begin
        r_fresh_q <= 1'b0;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (ar_fire) ar_beat_q <= ar_next;
    if (r_fire) begin
      r_left_q  <= r_left - 1'b1;
      r_lbeat_q <= beat_laddr + AB'(16);
    end
  end
  // The queue's entries, written under one-hot enables.
  for (genvar e = 0; e < Depth; e++) begin : g_ent
    always_ff @(posedge clk_i) begin
      if (take && wp_q == PB'(e)) begin
        q_start_q[e]  <= req_i.gaddr[63:4];
        q_end_q[e]    <= req_i.gaddr + {47'd0, req_i.len};
        q_laddr_q[e]  <= req_i.laddr;
        // An empty range touches no beat whatever its start's byte.
        q_beats_q[e]  <= (req_i.len == '0) ? '0 :
                         (AB - 1)'(({{(AB - 3){1'b0}}, req_i.gaddr[3:0]} + {1'b0, req_i.len} +
                                    (AB + 1)'(15)) >> 4);
        q_slo_q[e]    <= req_i.gaddr[3:0];
        q_elo_q[e]    <= req_i.gaddr[3:0] + req_i.len[3:0];
        q_region_q[e] <= req_i.region;
      end
    end
  end

  function automatic logic [15:0] reverse_bits16(logic [15:0] v);
    for (int unsigned k = 0; k < 16; k++) reverse_bits16[k] = v[15 - k];
  endfunction

  logic unused_req;
  assign unused_req = ^{req_i.store, m_axi_rlast};  // the core routes each request to its
                                                     // engine; beats are counted by address

  assign ready_o  = cnt_q != (PB + 1)'(Depth);
  assign busy_o   = cnt_q != '0;
  assign done_o   = done_q;
  assign region_o = r_region;

  assign m_axi_arvalid = npend_q != '0 && !ar_empty;
  assign m_axi_araddr  = ar_beat;
  assign m_axi_arlen   = 8'(burst - 9'd1);
  // A beat belongs to the oldest request not done, whose bursts went out first (an empty
  // one takes none: it is passed first).
  assign m_axi_rready  = cnt_q != '0 && r_beats != '0;

  always_comb begin
    buf_o         = '0;
    buf_o.wr_en   = r_fire;
    buf_o.wr_addr = beat_laddr;
    buf_o.wr_data = esp_kernel_pkg::reverse_bytes(m_axi_rdata);
    buf_o.wr_mask = reverse_bits16(lanes);
  end

endmodule
