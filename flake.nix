{
  description = "repro-audit: audit Dockerfiles and Nix flakes for inputs that break build reproducibility";

  # flake.lock pins this to a nixpkgs revision whose narHash is known to be
  # real (the one fortune-cat's flake.lock records).
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      version = (builtins.fromTOML (builtins.readFile ./Cargo.toml)).package.version;
    in
    {
      packages = forAllSystems (pkgs: rec {
        repro-audit = pkgs.rustPlatform.buildRustPackage {
          pname = "repro-audit";
          inherit version;
          src = pkgs.lib.cleanSource ./.;
          cargoLock.lockFile = ./Cargo.lock;
          # `cargo test` runs as the check phase. The oracle tests (BuildKit's
          # parser, hadolint, Nix itself) skip themselves: the build sandbox
          # has neither their virtualenv nor a nix-instantiate.
          meta = {
            description = "Audit Dockerfiles and Nix flakes for inputs that break build reproducibility";
            license = pkgs.lib.licenses.mit;
            mainProgram = "repro-audit";
          };
        };
        default = repro-audit;

        # The binary alone in an OCI image, built by Nix rather than by a
        # Dockerfile: every layer comes from the pinned nixpkgs.
        image = pkgs.dockerTools.buildLayeredImage {
          name = "repro-audit";
          tag = version;
          contents = [ repro-audit ];
          config = {
            Entrypoint = [ "${repro-audit}/bin/repro-audit" ];
            WorkingDir = "/src";
          };
        };
      });

      checks = forAllSystems (pkgs: {
        repro-audit = self.packages.${pkgs.stdenv.hostPlatform.system}.repro-audit;
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ self.packages.${pkgs.stdenv.hostPlatform.system}.repro-audit ];
          packages = [ pkgs.clippy pkgs.rustfmt pkgs.python311 pkgs.hadolint ];
        };
      });
    };
}
