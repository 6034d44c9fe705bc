// esp_replay_window: the inbound anti-replay check and window update of RFC 4303 3.4.3, with
// the ESN high half inferred as in RFC 4303 Appendix A2.1. Stateless: the SA table supplies
// an SA's window (top, bitmap) with each packet, and writes top_o/bitmap_o back only once
// the ICV has verified (check before, update after, as 3.4.3 requires). One clock latency.
module esp_replay_window #(
  parameter int unsigned WindowBits = 64,  // largest window supported (bitmap width)
  parameter int unsigned TagWidth   = 16
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // One packet and its SA's window state
  input  logic                          valid_i,
  input  logic [TagWidth-1:0]           tag_i,
  input  logic                          esn_i,
  input  logic [31:0]                   seq_lo_i,   // from the ESP header
  input  logic [$clog2(WindowBits+1)-1:0] size_i,   // window in packets; 0 turns the check off
  input  logic [63:0]                   top_i,      // highest authenticated sequence number
  input  logic [WindowBits-1:0]         bitmap_i,   // bit k: top_i - k has been received

  // Verdict and the state after accepting this packet, one clock later
  output logic                          valid_o,
  output logic [TagWidth-1:0]           tag_o,
  output logic [63:0]                   seq_o,      // full sequence number (ESN inferred)
  output logic                          fresh_o,    // not a replay: go on to the ICV check
  output logic [63:0]                   top_o,
  output logic [WindowBits-1:0]         bitmap_o
);

  localparam int unsigned IdxBits = $clog2(WindowBits);
  // Inference needs a window even when the check is off; RFC 4303's default is 64.
  localparam logic [31:0] InferenceWindowWhenOff = 32'd64;

  // ---------------------------------------------------------------------------------------
  // ESN inference (RFC 4303 A2.1): Case A, the window within one 2^32 subspace; Case B, it
  // spans two and a low half at or above the bottom belongs to the lower subspace.
  // ---------------------------------------------------------------------------------------
  logic [31:0] top_lo, top_hi, window, bottom, seq_hi;
  logic        inferred;  // false: it could only lie below sequence number 0
  logic [63:0] seq;

  assign top_lo = top_i[31:0];
  assign top_hi = top_i[63:32];
  assign window = (size_i == '0) ? InferenceWindowWhenOff : 32'(size_i);
  assign bottom = top_lo - window + 32'd1;

  always_comb begin
    inferred = 1'b1;
    seq_hi   = '0;
    if (esn_i) begin
      if (top_lo >= window - 32'd1) begin
        seq_hi = (seq_lo_i >= bottom) ? top_hi : top_hi + 32'd1;
      end else if (seq_lo_i >= bottom) begin
        inferred = top_hi != '0;
        seq_hi   = top_hi - 32'd1;
      end else begin
        seq_hi = top_hi;
      end
    end
  end
  assign seq = {seq_hi, seq_lo_i};

  // ---------------------------------------------------------------------------------------
  // Check (3.4.3): not 0, not left of the window, not seen; then the window after accepting
  // it: slide so seq becomes the top, or mark its bit.
  // ---------------------------------------------------------------------------------------
  logic [63:0]            ahead, behind;
  logic                   fresh;
  logic [63:0]            top_next;
  logic [WindowBits-1:0]  bitmap_next;

  assign ahead  = seq - top_i;   // meaningful when seq > top
  assign behind = top_i - seq;   // meaningful when seq <= top

  always_comb begin
    fresh       = 1'b0;
    top_next    = top_i;
    bitmap_next = bitmap_i;
    if (inferred && seq != '0) begin
      if (seq > top_i) begin
        fresh    = 1'b1;
        top_next = seq;
        if (ahead >= 64'(WindowBits)) begin
          bitmap_next = WindowBits'(1);
        end else begin
          bitmap_next = (bitmap_i << ahead[IdxBits-1:0]) | WindowBits'(1);
        end
      end else if (size_i == '0) begin
        fresh = 1'b1;  // check off: accepted, the top stays
      end else if (behind < 64'(size_i)) begin
        fresh       = !bitmap_i[behind[IdxBits-1:0]];
        bitmap_next = bitmap_i | (WindowBits'(1) << behind[IdxBits-1:0]);
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  logic                  valid_q, fresh_q;
  logic [TagWidth-1:0]   tag_q;
  logic [63:0]           seq_q, top_q;
  logic [WindowBits-1:0] bitmap_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= valid_i;
    end
  end

  always_ff @(posedge clk_i) begin
    tag_q    <= tag_i;
    seq_q    <= seq;
    fresh_q  <= fresh;
    top_q    <= top_next;
    bitmap_q <= bitmap_next;
  end

  assign valid_o  = valid_q;
  assign tag_o    = tag_q;
  assign seq_o    = seq_q;
  assign fresh_o  = fresh_q;
  assign top_o    = top_q;
  assign bitmap_o = bitmap_q;

`ifndef SYNTHESIS
  initial begin
    assert (WindowBits >= 32 && (WindowBits & (WindowBits - 1)) == 0)
    else $fatal(1, "esp_replay_window: WindowBits must be a power of two >= 32");
  end
  always_ff @(posedge clk_i) begin
    if (rst_ni && valid_i) begin
      assert (32'(size_i) <= WindowBits)
      else $error("esp_replay_window: window size %0d above WindowBits", size_i);
    end
  end
`endif

endmodule
