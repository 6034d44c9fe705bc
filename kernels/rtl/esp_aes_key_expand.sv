// esp_aes_key_expand: AES-128/256 key expansion (FIPS-197 5.2), run once when an SA is
// installed; its round keys are stored with the SA and fed to the cipher pipelines, so no
// pipeline carries key-schedule logic. One round key (four words) per clock, four S-boxes.
module esp_aes_key_expand (
  input  logic         clk_i,
  input  logic         rst_ni,

  // Request: key byte 0 in key_i[255:248]; AES-128 uses key_i[255:128] only.
  input  logic         start_i,     // ignored while busy_o
  input  logic         aes256_i,
  input  logic [255:0] key_i,

  // Round keys 0..Nr, in order, one per clock; done_o marks round key Nr.
  output logic         busy_o,
  output logic         rk_valid_o,
  output logic [3:0]   rk_idx_o,
  output logic [127:0] rk_o,
  output logic         done_o
);

  typedef enum logic [1:0] {
    Idle,
    Expand,
    Error
  } state_e;

  state_e       state_d, state_q;
  logic         aes256_d, aes256_q;
  logic [3:0]   idx_d, idx_q;
  logic [7:0]   rcon_d, rcon_q;
  // The last eight words w[i-8..i-1]: prev2 = w[i-8..i-5], prev1 = w[i-4..i-1].
  logic [127:0] prev2_d, prev2_q, prev1_d, prev1_q;

  // ---------------------------------------------------------------------------------------
  // Datapath: the next four words w[i..i+3], i = 4 * idx (FIPS-197 Fig. 11)
  // ---------------------------------------------------------------------------------------
  logic         copy_key;    // round keys 0 (and 1 for AES-256) are the key itself
  logic         use_rot;     // i mod Nk == 0: SubWord(RotWord(w[i-1])) ^ Rcon, else SubWord
  logic [31:0]  last_word, sub_in, sub_out, temp;
  logic [127:0] old_group, next_group;
  logic [3:0]   last_idx;

  assign copy_key  = aes256_q ? (idx_q < 4'd2) : (idx_q == 4'd0);
  assign use_rot   = !aes256_q || !idx_q[0];
  assign last_word = prev1_q[31:0];
  assign sub_in    = use_rot ? {last_word[23:0], last_word[31:24]} : last_word;
  assign last_idx  = aes256_q ? 4'(esp_aes_pkg::MaxRounds) : 4'(esp_aes_pkg::Aes128Rounds);

  for (genvar b = 0; b < 4; b++) begin : gen_sbox
    esp_aes_sbox #(
      .Inverse(1'b0)
    ) u_sbox (
      .data_i(sub_in[8 * b +: 8]),
      .data_o(sub_out[8 * b +: 8])
    );
  end

  assign temp      = sub_out ^ (use_rot ? {rcon_q, 24'h0} : 32'h0);
  // w[i-Nk]: four words back for AES-128, eight for AES-256.
  assign old_group = aes256_q ? prev2_q : prev1_q;
  always_comb begin
    next_group[127:96] = old_group[127:96] ^ temp;
    next_group[95:64]  = old_group[95:64] ^ next_group[127:96];
    next_group[63:32]  = old_group[63:32] ^ next_group[95:64];
    next_group[31:0]   = old_group[31:0] ^ next_group[63:32];
  end

  // ---------------------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------------------
  always_comb begin
    state_d    = state_q;
    aes256_d   = aes256_q;
    idx_d      = idx_q;
    rcon_d     = rcon_q;
    prev2_d    = prev2_q;
    prev1_d    = prev1_q;
    rk_valid_o = 1'b0;
    rk_o       = '0;
    done_o     = 1'b0;

    unique case (state_q)
      Idle: begin
        if (start_i) begin
          state_d  = Expand;
          aes256_d = aes256_i;
          idx_d    = '0;
          rcon_d   = 8'h01;
          if (aes256_i) begin
            prev2_d = key_i[255:128];
            prev1_d = key_i[127:0];
          end else begin
            prev2_d = '0;
            prev1_d = key_i[255:128];
          end
        end
      end

      Expand: begin
        rk_valid_o = 1'b1;
        idx_d      = idx_q + 4'd1;
        if (copy_key) begin
          // The window already holds the key: AES-128 round key 0 is prev1 (which is also
          // w[i-4..i-1] for round key 1); AES-256 round keys 0 and 1 are prev2 and prev1.
          rk_o = (aes256_q && idx_q == 4'd0) ? prev2_q : prev1_q;
        end else begin
          rk_o    = next_group;
          prev2_d = prev1_q;
          prev1_d = next_group;
          if (use_rot) begin
            rcon_d = esp_aes_pkg::xtime(rcon_q);
          end
        end
        if (idx_q == last_idx) begin
          // Done: clear the key material so the expander keeps no copy of it.
          done_o  = 1'b1;
          state_d = Idle;
          prev2_d = '0;
          prev1_d = '0;
          rcon_d  = '0;
        end
      end

      default: begin
        // Unreachable encoding: drop the request and clear the key material.
        state_d = Idle;
        prev2_d = '0;
        prev1_d = '0;
      end
    endcase
  end

  assign busy_o   = state_q != Idle;
  assign rk_idx_o = idx_q;

  // ---------------------------------------------------------------------------------------
  // Registers: control with synchronous active-low reset, key material without
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
    end else begin
      state_q <= state_d;
    end
  end

  always_ff @(posedge clk_i) begin
    aes256_q <= aes256_d;
    idx_q    <= idx_d;
    rcon_q   <= rcon_d;
    prev2_q  <= prev2_d;
    prev1_q  <= prev1_d;
  end

  // ---------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------
`ifndef SYNTHESIS
  // Round keys are produced in order and never past Nr.
  always_ff @(posedge clk_i) begin
    if (rst_ni && state_q == Expand) begin
      assert (idx_q <= last_idx)
      else $error("esp_aes_key_expand: round key index %0d past Nr", idx_q);
    end
  end
`endif

endmodule
