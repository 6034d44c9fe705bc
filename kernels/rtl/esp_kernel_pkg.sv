// esp_kernel_pkg: types and pure functions shared by the ESP kernel's sequencer and framers
// (esp_top and below): the request structs the core multiplexes between its clients, the
// SA-record flag bits (docs/hardware.md, esp_regs.json), lifetime accounting (RFC 4301
// 4.4.2.1) and the replay window's ESN inference (RFC 4303 Appendix A2.1).
package esp_kernel_pkg;

  // SA record flag bits (esp_regs.json sa_record.flags).
  localparam int unsigned FlagValid     = 0;
  localparam int unsigned FlagInbound   = 1;
  localparam int unsigned FlagEsn       = 2;
  localparam int unsigned FlagUdp       = 3;
  localparam int unsigned FlagTransform = 4;   // bits 7-4
  localparam int unsigned FlagDf        = 8;   // bits 9-8
  localparam int unsigned FlagTtl       = 16;  // bits 23-16
  localparam int unsigned FlagKey256    = 24;

  // sa_state bits.
  localparam int unsigned StateSoftFired    = 0;
  localparam int unsigned StateHardExpired  = 1;
  localparam int unsigned StateSeqExhausted = 2;

  // The local buffer: four 64 KiB packet regions (an esp_pkt_buf each; job j of a pass uses
  // region j mod 4, so the loads of jobs j+1 and j+2 and the store of job j-1 overlap job j;
  // a region is 64 KiB because a job's packet may be a 65535-byte datagram) and the
  // descriptor area (the pass's descriptors, completions and seq_hi words). An access names its region apart
  // from its address (dma_req_t.region; the job's engines use the job's region), so
  // addresses keep 17 bits: a packet window in [0, 64 KiB) of its region, the descriptor
  // area at DescArea (only the low 12 bits reach its RAM).
  localparam int unsigned BufAddrBits = 17;
  localparam int unsigned RegionAddrBits = 16;
  localparam int unsigned DescAddrBits = 12;
  localparam logic [BufAddrBits-1:0] DescArea = 17'h10000;
  localparam int unsigned PktRegions = 4;
  typedef enum logic [2:0] {
    RegionPkt0 = 3'd0,
    RegionPkt1 = 3'd1,
    RegionPkt2 = 3'd2,
    RegionPkt3 = 3'd3,
    RegionDesc = 3'd4
  } region_e;

  // The packet region of job k of a pass.
  function automatic region_e region_of(logic [6:0] k);
    region_of = region_e'(3'(k % 7'(PktRegions)));
  endfunction

  // Where the loader puts an outbound packet in its region: at a fixed offset, so it needs
  // no SA; the framer writes the outer headers in front of it (at most 20 + 8 + 8 + 16 = 52
  // bytes, 60 with UDP, so the window starts at PktOff - head >= 4).
  localparam logic [BufAddrBits-1:0] PktOff = 17'd64;

  localparam int unsigned JobsPerPass = 64;

  // An SA's secrets as the table stores them: {round keys 14..0, H, HMAC inner, HMAC outer}.
  localparam int unsigned KeyBits = 15 * 128 + 128 + 256 + 256;

  // An SA record, word k in bits [32k +: 32] (flat: Yosys reads no multi-dimensional
  // packed typedefs).
  // 32 x esp_reg_pkg::SaRecordWords bits; a literal, as Yosys sizes no typedef from another
  // package (esp_core asserts the two agree).
  typedef logic [2047:0] rec_t;

  // Events a job raises, pushed in this order after the job.
  typedef struct packed {
    logic soft_life;
    logic hard_life;
    logic seq_ovf;
  } ev_t;

  typedef struct packed {
    logic [7:0]  status;
    logic [15:0] sa;
    logic [15:0] offset;
    logic [15:0] length;
    logic [63:0] seq;
    logic        seq_valid;
  } result_t;

  // One 16-byte access to the local packet buffer; byte 0 in [127:120], mask bit 15 = byte 0.
  typedef struct packed {
    logic                   rd_en;
    logic [BufAddrBits-1:0] rd_addr;
    logic                   wr_en;
    logic [BufAddrBits-1:0] wr_addr;
    logic [127:0]           wr_data;
    logic [15:0]            wr_mask;
  } buf_req_t;

  // DMA between device memory and the local buffer: load (gmem -> buffer) or store.
  typedef struct packed {
    logic                   start;
    logic                   store;
    region_e                region;
    logic [63:0]            gaddr;
    logic [BufAddrBits-1:0] laddr;
    logic [BufAddrBits-1:0] len;
  } dma_req_t;

  typedef enum logic [2:0] {
    CryptGcmEnc = 3'd0,
    CryptGcmDec = 3'd1,
    CryptCbcEnc = 3'd2,
    CryptCbcDec = 3'd3,
    CryptEcb    = 3'd4
  } crypt_mode_e;

  // In-place cipher over [addr, addr + len) of the local buffer (esp_crypt).
  typedef struct packed {
    logic                   start;
    crypt_mode_e            mode;
    logic [127:0]           iv;     // GCM: J0; CBC: IV; ECB: the block
    logic [127:0]           aad;    // GCM AAD, zero padded
    logic                   aad12;  // 12-byte AAD (ESN) instead of 8
    logic [BufAddrBits-1:0] addr;
    logic [BufAddrBits-1:0] len;
    // GCM encryption for outbound: esp_crypt writes the tag itself at addr + len, so the
    // framer may end once the last ciphertext block is written (the tail overlaps the next
    // job's framing); gcm_written_o then counts base (the bytes of the store before addr)
    // + the range + the tag.
    logic                   icv_wr;
    logic [BufAddrBits-1:0] base;
  } crypt_req_t;

  // HMAC-SHA256 (or, with sha1, HMAC-SHA1) over [addr, addr + len) then, with esn, the 4
  // bytes of seq_hi (RFC 4303 2.2.1).
  typedef struct packed {
    logic                   start;
    logic                   sha1;
    logic [BufAddrBits-1:0] addr;
    logic [BufAddrBits-1:0] len;
    logic                   esn;
    logic [31:0]            seq_hi;
  } hmac_req_t;

  // Inbound prepare needs at most the outer header (60), UDP (8) and ESP header (8) bytes;
  // the loader brings in this much for it (esp_inbound loads the rest only for a UDP
  // checksum). Inbound packets sit at offset 0 of their region.
  localparam logic [BufAddrBits-1:0] InPrepareBytes = 17'd96;

  // A descriptor's packet range lies inside its capacity (docs/hardware.md; a capacity of
  // 0xFFFF means unchecked).
  function automatic logic range_ok(logic [15:0] offset, logic [15:0] length,
                                    logic [15:0] capacity);
    range_ok = capacity == 16'hFFFF || (offset <= capacity && length <= capacity - offset);
  endfunction

  // The one predicate for "this job's packet is loaded" (by esp_core's loader, before the
  // framer runs): an outbound job whose range is well formed and at least an IPv4 header
  // long, an inbound job to prepare whose range is well formed, an inbound job to finalize
  // that prepare passed (pending). The framers drop a job as malformed exactly when it does
  // not hold, so a framer never waits for a load that never comes; a job dropped for its SA
  // was loaded anyway, and its region is simply reused.
  function automatic logic job_loaded(logic inbound, logic finalize, logic pending,
                                      logic [15:0] offset, logic [15:0] length,
                                      logic [15:0] capacity);
    if (finalize) job_loaded = pending;
    else job_loaded = range_ok(offset, length, capacity) && (inbound || length >= 16'd20);
  endfunction

  // How many bytes of the packet the loader brings in: all, except for inbound prepare.
  function automatic logic [BufAddrBits-1:0] job_load_len(logic inbound, logic finalize,
                                                          logic [15:0] length);
    job_load_len = {1'b0, length};
    if (inbound && !finalize && {1'b0, length} > InPrepareBytes) job_load_len = InPrepareBytes;
  endfunction

  // The AXI4 engines (esp_dma_rd, esp_dma_wr), beat by beat over a byte range [start, end)
  // of device memory, `beat` being the 16-byte-aligned address of the current beat.
  // Beats of the next INCR burst: at most 256 and never across a 4 KiB page (AXI4 A3.4.1).
  function automatic logic [8:0] burst_beats(logic [63:0] beat, logic [63:0] end_addr);
    logic [63:0] to_end;
    logic [8:0]  to_page;
    to_end  = ((end_addr + 64'd15) >> 4) - (beat >> 4);
    to_page = 9'd256 - {1'b0, beat[11:4]};
    burst_beats = (to_end < {55'd0, to_page}) ? to_end[8:0] : to_page;
  endfunction
  // The byte lanes of that beat inside [start, end); AXI lane k = address + k.
  function automatic logic [15:0] beat_lanes(logic [63:0] beat, logic [63:0] start,
                                             logic [63:0] end_addr);
    for (int unsigned k = 0; k < 16; k++) begin
      beat_lanes[k] = (beat + 64'(k) >= start) && (beat + 64'(k) < end_addr);
    end
  endfunction
  // AXI lanes are little-endian (lane 0 = lowest address); the buffer is byte 0 first.
  function automatic logic [127:0] reverse_bytes(logic [127:0] v);
    for (int unsigned k = 0; k < 16; k++) reverse_bytes[8 * k +: 8] = v[127 - 8 * k -: 8];
  endfunction

  // Bytes 0..n-1 of a 16-byte access.
  function automatic logic [15:0] mask_first(logic [BufAddrBits-1:0] n);
    mask_first = (n >= 17'd16) ? 16'hFFFF : ~(16'hFFFF >> n[3:0]);
  endfunction

  // Byte i of a 16-byte block.
  function automatic logic [7:0] byte_at(logic [127:0] b, logic [3:0] i);
    byte_at = b[8 * (15 - int'(i)) +: 8];
  endfunction

  // A little-endian 32-bit word at bytes 4w..4w+3 of a block (descriptors, completions).
  function automatic logic [31:0] le32_at(logic [127:0] b, int unsigned w);
    le32_at = {b[127 - 8 * (4 * w + 3) -: 8], b[127 - 8 * (4 * w + 2) -: 8],
               b[127 - 8 * (4 * w + 1) -: 8], b[127 - 8 * (4 * w) -: 8]};
  endfunction

  function automatic logic [31:0] bswap32(logic [31:0] v);
    bswap32 = {v[7:0], v[15:8], v[23:16], v[31:24]};
  endfunction

  // RFC 1071 one's-complement sum of the 16-bit words of a block under a byte mask, added
  // to sum and folded (not inverted).
  function automatic logic [15:0] ones_sum_block(logic [127:0] b, logic [15:0] m, logic [15:0] sum);
    logic [19:0] acc;
    acc = {4'd0, sum};
    for (int unsigned k = 0; k < 8; k++) begin
      acc = acc + {4'd0, (m[15 - 2 * k] ? b[127 - 16 * k -: 8] : 8'd0),
                         (m[14 - 2 * k] ? b[119 - 16 * k -: 8] : 8'd0)};
    end
    acc = {4'd0, acc[15:0]} + {16'd0, acc[19:16]};
    acc = {4'd0, acc[15:0]} + {16'd0, acc[19:16]};
    ones_sum_block = acc[15:0];
  endfunction

  function automatic logic [63:0] counter(rec_t r, int unsigned c);
    counter = {r[32 * (esp_reg_pkg::SaWordCounters + 2 * c + 1) +: 32], r[32 * (esp_reg_pkg::SaWordCounters + 2 * c) +: 32]};
  endfunction

  function automatic rec_t count(rec_t r, int unsigned c, logic [63:0] n);
    logic [63:0] v;
    v = counter(r, c) + n;
    count = r;
    count[32 * (esp_reg_pkg::SaWordCounters + 2 * c) +: 32]     = v[31:0];
    count[32 * (esp_reg_pkg::SaWordCounters + 2 * c + 1) +: 32] = v[63:32];
  endfunction

  typedef struct packed {
    rec_t rec;
    logic ok;
    ev_t  ev;
  } account_t;

  // Counts a packet of `bytes` inner bytes against the SA's lifetimes (hls/sa_table.cpp
  // sa_account_packet): a packet that would pass a hard limit is refused and stops the SA;
  // reaching the soft limit raises its event once; reaching a hard limit exactly stops it.
  function automatic account_t account(rec_t r, logic [31:0] bytes);
    logic [63:0] packets, total, soft_bytes, hard_bytes;
    logic [31:0] soft_packets, hard_packets, state;
    account_t    a;
    packets      = counter(r, esp_reg_pkg::CounterPackets) + 64'd1;
    total        = counter(r, esp_reg_pkg::CounterBytes) + {32'd0, bytes};
    soft_bytes   = {r[32 * esp_reg_pkg::SaWordLifeSoftBytesHi +: 32], r[32 * esp_reg_pkg::SaWordLifeSoftBytesLo +: 32]};
    hard_bytes   = {r[32 * esp_reg_pkg::SaWordLifeHardBytesHi +: 32], r[32 * esp_reg_pkg::SaWordLifeHardBytesLo +: 32]};
    soft_packets = r[32 * esp_reg_pkg::SaWordLifeSoftPackets +: 32];
    hard_packets = r[32 * esp_reg_pkg::SaWordLifeHardPackets +: 32];
    state        = r[32 * esp_reg_pkg::SaWordSaState +: 32];
    a.ev         = '0;
    a.ok         = 1'b1;
    if ((hard_packets != 0 && packets > {32'd0, hard_packets}) ||
        (hard_bytes != 0 && total > hard_bytes)) begin
      a.ok = 1'b0;
      if (!state[StateHardExpired]) begin
        state[StateHardExpired] = 1'b1;
        a.ev.hard_life = 1'b1;
      end
    end else begin
      r = count(r, esp_reg_pkg::CounterPackets, 64'd1);
      r = count(r, esp_reg_pkg::CounterBytes, {32'd0, bytes});
      if (!state[StateSoftFired] &&
          ((soft_packets != 0 && packets >= {32'd0, soft_packets}) ||
           (soft_bytes != 0 && total >= soft_bytes))) begin
        state[StateSoftFired] = 1'b1;
        a.ev.soft_life = 1'b1;
      end
      if (((hard_packets != 0 && packets >= {32'd0, hard_packets}) ||
           (hard_bytes != 0 && total >= hard_bytes)) && !state[StateHardExpired]) begin
        state[StateHardExpired] = 1'b1;
        a.ev.hard_life = 1'b1;
      end
    end
    r[32 * esp_reg_pkg::SaWordSaState +: 32] = state;
    a.rec   = r;
    account = a;
  endfunction

  // A GCM request's pre-counter block J0 = salt || IV || 1 (RFC 4106 4; the IV is the
  // sequence number outbound, the packet's 8 IV bytes inbound).
  function automatic logic [127:0] gcm_j0(logic [31:0] salt, logic [63:0] iv);
    gcm_j0 = {salt, iv, 32'd1};
  endfunction

  // ESP's AAD, left-aligned: SPI || seq_lo, or SPI || seq_hi || seq_lo with ESN (RFC 4106 5).
  function automatic logic [127:0] esp_aad(logic esn, logic [31:0] spi, logic [63:0] seq);
    esp_aad = esn ? {spi, seq, 32'd0} : {spi, seq[31:0], 64'd0};
  endfunction

  // The 64-bit sequence number of a received low half (RFC 4303 A2.1; hls/replay.cpp):
  // 0 when it would lie below sequence number 1.
  function automatic logic [63:0] infer_seq(logic [63:0] top, logic [31:0] window, logic esn,
                                            logic [31:0] seq_lo);
    logic [31:0] w, tl, th, bl, sh;
    logic        none;
    w    = (window == 0) ? esp_reg_pkg::ReplayWindowDefault : window;
    tl   = top[31:0];
    th   = top[63:32];
    bl   = tl - w + 32'd1;
    none = 1'b0;
    if (tl >= w - 32'd1) begin
      sh = (seq_lo >= bl) ? th : th + 32'd1;
    end else begin
      none = (seq_lo >= bl) && (th == 0);
      sh   = (seq_lo >= bl) ? th - 32'd1 : th;
    end
    if (!esn) begin
      infer_seq = {32'd0, seq_lo};
    end else if (none) begin
      infer_seq = 64'd0;
    end else begin
      infer_seq = {sh, seq_lo};
    end
  endfunction

endpackage
