package integration

// Just enough of RabbitMQ's stream protocol (v1) to give a stream real tracking: a
// consumer's stored offset (StoreOffset) and a named publisher's sequence (a
// deduplicating publisher's Publish). The management API offers neither.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

type streamConn struct {
	c    net.Conn
	corr uint32
}

const (
	keyDeclarePublisher = 0x0001
	keyPublish          = 0x0002
	keyPublishConfirm   = 0x0003
	keyStoreOffset      = 0x000a
	keyPeerProperties   = 0x0011
	keySaslHandshake    = 0x0012
	keySaslAuthenticate = 0x0013
	keyTune             = 0x0014
	keyOpen             = 0x0015
)

type frame struct{ bytes.Buffer }

func (f *frame) u8(v uint8)   { f.WriteByte(v) }
func (f *frame) u16(v uint16) { _ = binary.Write(f, binary.BigEndian, v) }
func (f *frame) u32(v uint32) { _ = binary.Write(f, binary.BigEndian, v) }
func (f *frame) u64(v uint64) { _ = binary.Write(f, binary.BigEndian, v) }
func (f *frame) str(s string) { f.u16(uint16(len(s))); f.WriteString(s) }
func (f *frame) bytes(b []byte) {
	f.u32(uint32(len(b)))
	f.Write(b)
}

// dialStream opens and authenticates a stream connection to vhost as guest.
func dialStream(addr, vhost string) (*streamConn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	s := &streamConn{c: c}
	steps := []func(f *frame){
		func(f *frame) { f.u32(0) }, // peer properties: none
		func(f *frame) {},           // SASL handshake
		func(f *frame) { f.str("PLAIN"); f.bytes([]byte("\x00guest\x00guest")) },
	}
	for i, key := range []uint16{keyPeerProperties, keySaslHandshake, keySaslAuthenticate} {
		if err := s.call(key, steps[i]); err != nil {
			c.Close()
			return nil, err
		}
	}
	// the server tunes; the client answers with the same values
	tune, err := s.read(keyTune)
	if err != nil {
		c.Close()
		return nil, err
	}
	var f frame
	f.u16(keyTune)
	f.u16(1)
	f.Write(tune)
	if err := s.send(&f); err != nil {
		c.Close()
		return nil, err
	}
	if err := s.call(keyOpen, func(f *frame) { f.str(vhost) }); err != nil {
		c.Close()
		return nil, err
	}
	return s, nil
}

func (s *streamConn) send(f *frame) error {
	var size [4]byte
	binary.BigEndian.PutUint32(size[:], uint32(f.Len()))
	_, err := s.c.Write(append(size[:], f.Bytes()...))
	return err
}

// read returns the body (after key and version) of the next frame with key want,
// skipping others (heartbeats, credit notices).
func (s *streamConn) read(want uint16) ([]byte, error) {
	for {
		var size uint32
		if err := binary.Read(s.c, binary.BigEndian, &size); err != nil {
			return nil, err
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(s.c, body); err != nil {
			return nil, err
		}
		if len(body) >= 4 && binary.BigEndian.Uint16(body) == want {
			return body[4:], nil
		}
	}
}

// call sends a request with a correlation id and checks its response code.
func (s *streamConn) call(key uint16, fill func(f *frame)) error {
	s.corr++
	var f frame
	f.u16(key)
	f.u16(1)
	f.u32(s.corr)
	fill(&f)
	if err := s.send(&f); err != nil {
		return err
	}
	resp, err := s.read(key | 0x8000)
	if err != nil {
		return err
	}
	if code := binary.BigEndian.Uint16(resp[4:6]); code != 1 {
		return fmt.Errorf("stream command 0x%04x: response code %d", key, code)
	}
	return nil
}

// storeOffset stores a consumer reference's offset (no response).
func (s *streamConn) storeOffset(stream, reference string, offset uint64) error {
	var f frame
	f.u16(keyStoreOffset)
	f.u16(1)
	f.str(reference)
	f.str(stream)
	f.u64(offset)
	return s.send(&f)
}

// publishAs publishes one message as the named publisher with publishing id seq and
// waits for its confirm: the stream then tracks the writer's sequence.
func (s *streamConn) publishAs(stream, reference string, id uint8, seq uint64) error {
	if err := s.call(keyDeclarePublisher, func(f *frame) { f.u8(id); f.str(reference); f.str(stream) }); err != nil {
		return err
	}
	var f frame
	f.u16(keyPublish)
	f.u16(1)
	f.u8(id)
	f.u32(1)
	f.u64(seq)
	f.bytes([]byte{0x00, 0x53, 0x75, 0xa0, 0x02, 'h', 'i'}) // an AMQP 1.0 data section
	if err := s.send(&f); err != nil {
		return err
	}
	_, err := s.read(keyPublishConfirm)
	return err
}

func (s *streamConn) Close() error { return s.c.Close() }
