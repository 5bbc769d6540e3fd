# CareWeb service image: a static Go binary on a minimal base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/careweb ./cmd/careweb

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/careweb /careweb
USER nonroot:nonroot
EXPOSE 8080
ENV CAREWEB_ADDR=0.0.0.0:8080 CAREWEB_DATA=/data
VOLUME ["/data"]
ENTRYPOINT ["/careweb"]
CMD ["serve"]
